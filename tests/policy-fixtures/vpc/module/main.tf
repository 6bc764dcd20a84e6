terraform {
  required_providers {
    aws = { source = "registry.terraform.io/hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
}
module "network" {
  source = "./modules/network"
  cidr   = "10.2.0.0/16"
}

# The flow log's vpc_id is a module variable: the join cannot be proven from the plan.
resource "aws_vpc" "edge" {
  cidr_block = "10.3.0.0/16"
}

module "edge_flow_log" {
  source = "./modules/flowlog"
  vpc_id = aws_vpc.edge.id
}

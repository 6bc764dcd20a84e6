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
# The VPC exists (updated: a tag is added); the flow log finds it by tag through a data source,
# so the plan ties them by their known ids, not by a configuration reference.
resource "aws_vpc" "main" {
  cidr_block = "10.5.0.0/16"
  tags = {
    Name  = "shared"
    Owner = "network"
  }
}

data "aws_vpc" "shared" {
  tags = {
    Name = "shared"
  }
}

resource "aws_flow_log" "shared" {
  vpc_id               = data.aws_vpc.shared.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs-bucket"
}

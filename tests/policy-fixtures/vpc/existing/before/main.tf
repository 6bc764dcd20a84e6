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
resource "aws_vpc" "main" {
  cidr_block = "10.5.0.0/16"
  tags = {
    Name = "shared"
  }
}

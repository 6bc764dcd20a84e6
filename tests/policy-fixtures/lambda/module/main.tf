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
module "fn" {
  source = "./modules/fn"
  name   = "worker"
}

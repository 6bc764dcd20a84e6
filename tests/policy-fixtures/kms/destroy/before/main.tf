terraform {
  required_providers {
    aws = {
      source  = "registry.terraform.io/hashicorp/aws"
      version = "5.100.0"
    }
  }
}

# Endpoint and credentials come from the environment (generate.sh: a local moto server).
provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
}

resource "aws_kms_key" "gone" {
  description         = "tfo fixture: removed key"
  enable_key_rotation = true
}

resource "aws_kms_key" "respec" {
  description         = "tfo fixture: key whose spec changes"
  enable_key_rotation = true
}

resource "aws_kms_key" "kept" {
  description         = "tfo fixture: key updated in place"
  enable_key_rotation = true
}

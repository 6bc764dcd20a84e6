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

resource "aws_s3_bucket" "gone" {
  bucket = "tfo-fx-destroy-gone"
}

resource "aws_s3_bucket" "renamed" {
  bucket = "tfo-fx-destroy-old-name"
}

resource "aws_s3_bucket" "tagged" {
  bucket = "tfo-fx-destroy-tagged"
  tags   = { team = "a" }
}

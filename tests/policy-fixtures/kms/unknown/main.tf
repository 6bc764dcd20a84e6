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

resource "aws_iam_role" "app" {
  name = "tfo-fx-kms-app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# The key policy names a role created in the same plan: unknown until apply.
resource "aws_kms_key" "app" {
  description         = "tfo fixture: key policy unknown at plan time"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "App"
      Effect    = "Allow"
      Principal = { AWS = aws_iam_role.app.arn }
      Action    = ["kms:Decrypt", "kms:Encrypt"]
      Resource  = "*"
    }]
  })
}

# Settings derived from values only known after apply.
resource "aws_kms_key" "derived" {
  description             = "tfo fixture: settings unknown at plan time"
  enable_key_rotation     = length(aws_iam_role.app.arn) > 0
  multi_region            = length(aws_iam_role.app.arn) > 1000
  deletion_window_in_days = length(aws_iam_role.app.arn) > 0 ? 30 : 7
  is_enabled              = length(aws_iam_role.app.unique_id) > 0
}

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

resource "aws_s3_bucket" "data" {
  bucket = "tfo-fx-iam-unknown"
}

# Both documents name values only known after apply.
resource "aws_iam_role" "reader" {
  name                 = "tfo-fx-iam-unknown"
  permissions_boundary = "arn:aws:iam::111122223333:policy/tfo-boundary"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = aws_s3_bucket.data.arn }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_policy" "reader" {
  name = "tfo-fx-iam-unknown"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = "${aws_s3_bucket.data.arn}/*"
    }]
  })
}

resource "aws_iam_account_password_policy" "this" {
  minimum_password_length = length(aws_s3_bucket.data.arn) > 0 ? 14 : 20
}

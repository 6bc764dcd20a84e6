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

resource "aws_kms_key" "weak" {
  description             = "tfo fixture: violating key"
  enable_key_rotation     = false
  deletion_window_in_days = 7
  multi_region            = true
  is_enabled              = false

  bypass_policy_lockout_safety_check = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Everyone"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "AnyoneDecrypt"
        Effect    = "Allow"
        Principal = "*"
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
    ]
  })
}

# Rotation left at its default (off).
resource "aws_kms_key" "default" {
  description = "tfo fixture: key with defaults"
}

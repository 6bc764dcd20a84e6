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

resource "aws_s3_bucket" "site" {
  bucket        = "tfo-fx-public-site"
  force_destroy = true
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket                  = aws_s3_bucket.site.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = false
}

resource "aws_s3_bucket_ownership_controls" "site" {
  bucket = aws_s3_bucket.site.id
  rule {
    object_ownership = "ObjectWriter"
  }
}

resource "aws_s3_bucket_acl" "site" {
  bucket = aws_s3_bucket.site.id
  acl    = "public-read"
}

resource "aws_s3_bucket_versioning" "site" {
  bucket = aws_s3_bucket.site.id
  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = 90
    }
  }
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PublicRead"
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::tfo-fx-public-site/*"
      },
      {
        Sid       = "AnyoneEverything"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "s3:*"
        Resource  = ["arn:aws:s3:::tfo-fx-public-site", "arn:aws:s3:::tfo-fx-public-site/*"]
      },
      {
        Sid       = "AnyoneUpload"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:PutObject", "s3:DeleteObject"]
        Resource  = "arn:aws:s3:::tfo-fx-public-site/*"
      },
      {
        Sid          = "AllButOne"
        Effect       = "Allow"
        NotPrincipal = { AWS = "arn:aws:iam::111122223333:user/blocked" }
        Action       = "s3:ListBucket"
        Resource     = "arn:aws:s3:::tfo-fx-public-site"
      },
    ]
  })
}

resource "aws_s3_bucket" "grants" {
  bucket = "tfo-fx-public-grants"
}

resource "aws_s3_bucket_public_access_block" "grants" {
  bucket                  = aws_s3_bucket.grants.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

resource "aws_s3_bucket_acl" "grants" {
  bucket = aws_s3_bucket.grants.id
  access_control_policy {
    owner {
      id = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
    }
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/global/AllUsers"
      }
      permission = "READ"
    }
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
      }
      permission = "WRITE"
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "grants" {
  bucket = aws_s3_bucket.grants.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = false
  }
}

resource "aws_s3_bucket_versioning" "grants" {
  bucket = aws_s3_bucket.grants.id
  versioning_configuration {
    status = "Enabled"
  }
}

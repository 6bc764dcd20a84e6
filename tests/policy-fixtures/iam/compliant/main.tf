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

resource "aws_iam_policy" "read" {
  name = "tfo-fx-read"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadBucket"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::tfo-fx-data", "arn:aws:s3:::tfo-fx-data/*"]
      },
      {
        Sid      = "DescribeEverything"
        Effect   = "Allow"
        Action   = ["ec2:Describe*", "cloudwatch:GetMetricData", "logs:List*"]
        Resource = "*"
      },
      {
        Sid       = "NoIamOutsideBoundary"
        Effect    = "Deny"
        NotAction = ["s3:*", "ec2:*"]
        Resource  = "*"
      },
    ]
  })
}

resource "aws_iam_role" "app" {
  name                 = "tfo-fx-app"
  max_session_duration = 3600
  permissions_boundary = "arn:aws:iam::111122223333:policy/tfo-boundary"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role" "partner" {
  name                 = "tfo-fx-partner"
  permissions_boundary = "arn:aws:iam::111122223333:policy/tfo-boundary"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abcdef1234" } }
    }]
  })
}

resource "aws_iam_role_policy" "app" {
  name = "tfo-fx-app-table"
  role = aws_iam_role.app.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"]
      Resource = "arn:aws:dynamodb:us-east-1:111122223333:table/tfo-fx"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "app" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_group" "dev" {
  name = "tfo-fx-dev"
}

resource "aws_iam_group_policy" "dev" {
  name  = "tfo-fx-dev-read"
  group = aws_iam_group.dev.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:List*"
      Resource = "*"
    }]
  })
}

resource "aws_iam_group_policy_attachment" "dev" {
  group      = aws_iam_group.dev.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_account_password_policy" "this" {
  minimum_password_length        = 14
  password_reuse_prevention      = 24
  require_lowercase_characters   = true
  require_uppercase_characters   = true
  require_numbers                = true
  require_symbols                = true
  allow_users_to_change_password = true
}

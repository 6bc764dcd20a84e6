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

resource "aws_iam_policy" "admin" {
  name = "tfo-fx-admin"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "Everything"
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    }]
  })
}

resource "aws_iam_role" "open" {
  name                 = "tfo-fx-open"
  max_session_duration = 43200
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "open" {
  name = "tfo-fx-open-inline"
  role = aws_iam_role.open.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteAnyBucket"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:GetObject"]
        Resource = "*"
      },
      {
        Sid      = "AllOfIam"
        Effect   = "Allow"
        Action   = "iam:*"
        Resource = "*"
      },
      {
        Sid       = "AllButIam"
        Effect    = "Allow"
        NotAction = "iam:*"
        Resource  = "arn:aws:s3:::tfo-fx-data/*"
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "open_admin" {
  role       = aws_iam_role.open.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_group" "ops" {
  name = "tfo-fx-ops"
}

resource "aws_iam_group_policy_attachment" "ops_admin" {
  group      = aws_iam_group.ops.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_group_policy_attachment" "ops_shell" {
  group      = aws_iam_group.ops.name
  policy_arn = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
}

resource "aws_iam_user" "dev" {
  name = "tfo-fx-dev"
}

resource "aws_iam_user_policy" "dev" {
  name = "tfo-fx-dev-inline"
  user = aws_iam_user.dev.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*:*"
      Resource = "*"
    }]
  })
}

resource "aws_iam_user_policy_attachment" "dev" {
  user       = aws_iam_user.dev.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_policy_attachment" "shared" {
  name       = "tfo-fx-shared"
  users      = [aws_iam_user.dev.name]
  policy_arn = aws_iam_policy.admin.arn
}

resource "aws_iam_user_login_profile" "dev" {
  user = aws_iam_user.dev.name
}

resource "aws_iam_access_key" "dev" {
  user = aws_iam_user.dev.name
}

resource "aws_iam_user" "ci" {
  name = "tfo-fx-ci"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

resource "aws_iam_account_password_policy" "this" {
  minimum_password_length   = 8
  password_reuse_prevention = 5
}

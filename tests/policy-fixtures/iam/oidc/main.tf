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

locals {
  github = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
  boundary = "arn:aws:iam::111122223333:policy/tfo-boundary"
}

# Pinned to one repository and branch, audience checked: compliant.
resource "aws_iam_role" "gha_good" {
  name                 = "tfo-fx-gha-good"
  permissions_boundary = local.boundary
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.github }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = ["repo:tfo-org/infra:ref:refs/heads/main", "repo:tfo-org/infra:environment:prod"] }
      }
    }]
  })
}

# Any repository on GitHub can assume it.
resource "aws_iam_role" "gha_any_repo" {
  name                 = "tfo-fx-gha-any-repo"
  permissions_boundary = local.boundary
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.github }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:*" }
      }
    }]
  })
}

# No subject condition at all, and no audience.
resource "aws_iam_role" "gha_no_sub" {
  name                 = "tfo-fx-gha-no-sub"
  permissions_boundary = local.boundary
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.github }
      Action    = "sts:AssumeRoleWithWebIdentity"
    }]
  })
}

# Subject pinned, audience missing.
resource "aws_iam_role" "gha_no_aud" {
  name                 = "tfo-fx-gha-no-aud"
  permissions_boundary = local.boundary
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.github }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:sub" = "repo:tfo-org/infra:ref:refs/heads/main" }
      }
    }]
  })
}

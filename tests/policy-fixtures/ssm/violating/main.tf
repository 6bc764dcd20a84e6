# SSM parameters that leak secrets, and a document shared with everyone.
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

variable "admin_password" {
  type      = string
  sensitive = true
  default   = "not-a-real-password-ssm"
}

resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

# A password in a plain String parameter (its name says so).
resource "aws_ssm_parameter" "db_password" {
  name  = "/legacy/db/password"
  type  = "String"
  value = var.admin_password
}

# An access key secret copied into a StringList (the value comes from a secret attribute).
resource "aws_ssm_parameter" "ci_keys" {
  name  = "/legacy/ci/keys"
  type  = "StringList"
  value = aws_iam_access_key.ci.secret
}

# insecure_value on a secret: the token is in the plan and the state in clear.
resource "aws_ssm_parameter" "github_token" {
  name           = "/legacy/github/token"
  type           = "String"
  insecure_value = "not-a-real-token-ssm"
}

# The value looks like a private key even though the name does not say so.
resource "aws_ssm_parameter" "deploy" {
  name           = "/legacy/deploy/material"
  type           = "String"
  insecure_value = "-----BEGIN RSA PRIVATE KEY-----\nnot-a-real-key\n-----END RSA PRIVATE KEY-----"
}

# SecureString with insecure_value: encrypted at rest, but in clear in the plan and the state.
resource "aws_ssm_parameter" "signing" {
  name           = "/legacy/signing/material"
  type           = "SecureString"
  insecure_value = "not-a-real-signing-value"
}

# SecureString under the AWS managed key (alias/aws/ssm): fine unless kms_required lists "ssm".
resource "aws_ssm_parameter" "smtp_password" {
  name  = "/legacy/smtp/password"
  type  = "SecureString"
  value = var.admin_password
}

# A document every AWS account can run.
resource "aws_ssm_document" "public" {
  name          = "legacy-maintenance"
  document_type = "Command"
  permissions = {
    type        = "Share"
    account_ids = "All"
  }
  content = jsonencode({
    schemaVersion = "2.2"
    description   = "Maintenance"
    mainSteps = [{
      action = "aws:runShellScript"
      name   = "maintain"
      inputs = { runCommand = ["echo maintenance"] }
    }]
  })
}

# A SecureString under a customer key, but the password is committed with the code.
resource "aws_ssm_parameter" "jenkins_password" {
  name   = "/legacy/jenkins/admin-password"
  type   = "SecureString"
  key_id = "alias/legacy-params"
  value  = "not-a-real-password-literal"
}

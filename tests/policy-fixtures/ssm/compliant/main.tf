# SSM parameters done right: secrets are SecureString under a customer managed key created in the
# same plan (its ARN is unknown until apply, but set), configuration values are plain String.
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

variable "db_password" {
  type      = string
  sensitive = true
  default   = "not-a-real-password-ssm"
}

resource "aws_kms_key" "params" {
  description         = "SSM parameters"
  enable_key_rotation = true
}

# A secret: SecureString, the key of this plan, the value from a sensitive variable.
resource "aws_ssm_parameter" "db_password" {
  name   = "/orders/prod/db/password"
  type   = "SecureString"
  key_id = aws_kms_key.params.arn
  value  = var.db_password
}

# A secret written only at apply (write-only: never in plan or state).
resource "aws_ssm_parameter" "api_token" {
  name             = "/orders/prod/stripe/api-token"
  description      = "Stripe API token for the orders service"
  type             = "SecureString"
  key_id           = aws_kms_key.params.key_id
  value_wo         = var.db_password
  value_wo_version = 1
}

# Plain configuration: String and StringList, insecure_value is fine here.
resource "aws_ssm_parameter" "log_level" {
  name           = "/orders/prod/log-level"
  type           = "String"
  insecure_value = "info"
}

resource "aws_ssm_parameter" "allowed_origins" {
  name  = "/orders/prod/allowed-origins"
  type  = "StringList"
  value = "https://shop.example.com,https://admin.example.com"
}

# Names that point at a secret, not the secret itself.
resource "aws_ssm_parameter" "password_secret_arn" {
  name           = "/orders/prod/db/password-secret-arn"
  description    = "ARN of the Secrets Manager secret that holds the database password"
  type           = "String"
  insecure_value = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db-AbCdEf"
}

# A document shared with one named account only.
resource "aws_ssm_document" "patch" {
  name          = "orders-patch"
  document_type = "Command"
  permissions = {
    type        = "Share"
    account_ids = "210987654321"
  }
  content = jsonencode({
    schemaVersion = "2.2"
    description   = "Patch the orders hosts"
    mainSteps = [{
      action = "aws:runShellScript"
      name   = "patch"
      inputs = { runCommand = ["yum -y update --security"] }
    }]
  })
}

# A placeholder set once; the real key is written out of band and terraform ignores it.
resource "aws_ssm_parameter" "partner_api_key" {
  name   = "/orders/prod/partner/api-key"
  type   = "SecureString"
  key_id = aws_kms_key.params.arn
  value  = "CHANGE_ME"

  lifecycle {
    ignore_changes = [value]
  }
}

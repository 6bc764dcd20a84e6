# Secure by default: a private VPC (the vpc module's shape, see ../modules/network) with flow
# logs to a CloudWatch log group kept a year and encrypted with a KMS key from the kms module
# that lets CloudWatch Logs use it, the default security group adopted with no rules, and the
# default network ACL allowing traffic from inside the VPC only.

data "aws_caller_identity" "current" {}

locals {
  cidr = "10.60.0.0/16"
}

module "kms" {
  source = "CORPUS/kms"

  description = "estate flow logs key"
  key_statements = [{
    sid       = "CloudWatchLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals = [{
      type        = "Service"
      identifiers = ["logs.us-east-1.amazonaws.com"]
    }]
    conditions = [{
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:aws:logs:us-east-1:${data.aws_caller_identity.current.account_id}:log-group:*"]
    }]
  }]
}

module "vpc" {
  source = "../modules/network"

  name            = "estate-private"
  cidr            = local.cidr
  azs             = ["us-east-1a", "us-east-1b"]
  private_subnets = ["10.60.1.0/24", "10.60.2.0/24"]

  default_network_acl_ingress = [
    { rule_no = 100, action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = local.cidr },
  ]

  enable_flow_log            = true
  flow_log_retention_in_days = 365
  flow_log_kms_key_id        = module.kms.key_arn
}

# Secure by default: keys with the module's default policy (account root, named administrators
# and users), rotation on, and the stock EBS-style statement that lets any principal of this
# account use the key only through EC2 (kms:CallerAccount + kms:ViaService).

data "aws_caller_identity" "current" {}

locals {
  account = data.aws_caller_identity.current.account_id
}

module "app_key" {
  source = "CORPUS/kms"

  description             = "estate application key"
  deletion_window_in_days = 30
  key_administrators      = ["arn:aws:iam::${local.account}:role/platform-admin"]
  key_users               = ["arn:aws:iam::${local.account}:role/app"]
  aliases                 = ["estate/app"]
}

module "ebs_key" {
  source = "CORPUS/kms"

  description        = "estate EBS key"
  key_administrators = ["arn:aws:iam::${local.account}:role/platform-admin"]
  key_statements = [{
    sid       = "AllowEBSUseThroughEC2"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"]
    resources = ["*"]
    principals = [{
      type        = "AWS"
      identifiers = ["*"]
    }]
    conditions = [
      {
        test     = "StringEquals"
        variable = "kms:CallerAccount"
        values   = [local.account]
      },
      {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["ec2.us-east-1.amazonaws.com"]
      },
    ]
  }]
  aliases = ["estate/ebs"]
}

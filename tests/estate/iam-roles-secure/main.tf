# Secure by default: a service role trusted by EC2 only, a cross-account role trusted by one named
# account with an external id, and a least-privilege policy built with aws_iam_policy_document
# scoped to one bucket and one queue.

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "app" {
  statement {
    sid       = "ReadReports"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::estate-wrapper-reports", "arn:aws:s3:::estate-wrapper-reports/*"]
  }
  statement {
    sid       = "ConsumeOrders"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = ["arn:aws:sqs:us-east-1:${data.aws_caller_identity.current.account_id}:estate-orders"]
  }
}

module "app_policy" {
  source = "CORPUS/iam/modules/iam-policy"

  name        = "estate-app"
  description = "What the estate application reads"
  policy      = data.aws_iam_policy_document.app.json
}

module "app_role" {
  source = "CORPUS/iam/modules/iam-assumable-role"

  create_role             = true
  create_instance_profile = true
  role_name               = "estate-app"
  role_requires_mfa       = false
  trusted_role_services   = ["ec2.amazonaws.com"]
  custom_role_policy_arns = [module.app_policy.arn]
}

module "auditor_role" {
  source = "CORPUS/iam/modules/iam-assumable-role"

  create_role             = true
  role_name               = "estate-auditor"
  role_requires_mfa       = false
  trusted_role_arns       = ["arn:aws:iam::210987654321:root"]
  role_sts_externalid     = "estate-audit-7c1d"
  attach_readonly_policy  = true
  readonly_role_policy_arn = "arn:aws:iam::aws:policy/SecurityAudit"
}

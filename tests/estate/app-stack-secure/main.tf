# Secure by default: one service's stack as an application team writes it: a KMS key, an
# encrypted topic fanning out to an encrypted queue, a versioned encrypted bucket, and the
# service's role whose policy (aws_iam_policy_document) names those resources by their ARNs,
# all created in this plan.

data "aws_caller_identity" "current" {}

module "kms" {
  source = "CORPUS/kms"

  description = "estate billing service key"
  key_statements = [{
    sid       = "SNSPublish"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]
    principals = [{
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }]
    conditions = [{
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }]
  }]
  aliases = ["estate/billing"]
}

module "events" {
  source = "CORPUS/sns"

  name              = "estate-billing-events"
  kms_master_key_id = module.kms.key_id
  subscriptions = {
    worker = {
      protocol = "sqs"
      endpoint = module.jobs.queue_arn
    }
  }
}

module "jobs" {
  source = "CORPUS/sqs"

  name              = "estate-billing-jobs"
  kms_master_key_id = module.kms.key_arn
  create_dlq        = true
  redrive_policy    = { maxReceiveCount = 5 }

  create_queue_policy = true
  queue_policy_statements = {
    sns = {
      sid     = "BillingEvents"
      actions = ["sqs:SendMessage"]
      principals = [{
        type        = "Service"
        identifiers = ["sns.amazonaws.com"]
      }]
      conditions = [{
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [module.events.topic_arn]
      }]
    }
  }
}

module "invoices" {
  source = "CORPUS/s3-bucket"

  bucket                                = "estate-billing-invoices"
  control_object_ownership              = true
  attach_deny_insecure_transport_policy = true
  versioning                            = { enabled = true }
  server_side_encryption_configuration = {
    rule = {
      apply_server_side_encryption_by_default = {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = module.kms.key_arn
      }
      bucket_key_enabled = true
    }
  }
  logging = {
    target_bucket = "estate-central-access-logs"
    target_prefix = "estate-billing-invoices/"
  }
  lifecycle_rule = [{
    id                                     = "abort-multipart"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 7
  }]
}

data "aws_iam_policy_document" "worker" {
  statement {
    sid       = "Jobs"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = [module.jobs.queue_arn]
  }
  statement {
    sid       = "Invoices"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${module.invoices.s3_bucket_arn}/*"]
  }
  statement {
    sid       = "Key"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.kms.key_arn]
  }
}

module "worker_policy" {
  source = "CORPUS/iam/modules/iam-policy"

  name   = "estate-billing-worker"
  policy = data.aws_iam_policy_document.worker.json
}

module "worker_role" {
  source = "CORPUS/iam/modules/iam-assumable-role"

  create_role             = true
  role_name               = "estate-billing-worker"
  role_requires_mfa       = false
  trusted_role_services   = ["ecs-tasks.amazonaws.com"]
  custom_role_policy_arns = [module.worker_policy.arn]
}

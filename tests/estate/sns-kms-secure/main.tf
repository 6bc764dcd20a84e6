# Secure by default: a topic encrypted with a KMS key from the kms module (with the statement SNS
# needs), the module's default topic policy (narrowed to this account) and an encrypted SQS
# subscriber whose queue policy lets only this topic send.

data "aws_caller_identity" "current" {}

module "kms" {
  source = "CORPUS/kms"

  description = "estate topics key"
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
}

module "queue" {
  source = "CORPUS/sqs"

  name              = "estate-notifications"
  kms_master_key_id = module.kms.key_arn
  create_dlq        = true
  redrive_policy    = { maxReceiveCount = 5 }

  create_queue_policy = true
  queue_policy_statements = {
    sns = {
      sid     = "TopicSend"
      actions = ["sqs:SendMessage"]
      principals = [{
        type        = "Service"
        identifiers = ["sns.amazonaws.com"]
      }]
      conditions = [{
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [module.topic.topic_arn]
      }]
    }
  }
}

module "topic" {
  source = "CORPUS/sns"

  name              = "estate-notifications"
  kms_master_key_id = module.kms.key_id

  create_topic_policy         = true
  enable_default_topic_policy = true

  subscriptions = {
    queue = {
      protocol = "sqs"
      endpoint = module.queue.queue_arn
    }
  }
}

# Secure by default: queues encrypted with a KMS key created in the same plan, a dead-letter
# queue made by the module, and a queue policy (built by the module with aws_iam_policy_document)
# that lets only this account and an SNS topic of this account send.

data "aws_caller_identity" "current" {}

module "kms" {
  source = "CORPUS/kms"

  description = "estate queues key"
  aliases     = ["estate/sqs"]
}

module "orders" {
  source = "CORPUS/sqs"

  name              = "estate-orders"
  kms_master_key_id = module.kms.key_arn

  kms_data_key_reuse_period_seconds = 3600

  create_dlq     = true
  redrive_policy = { maxReceiveCount = 5 }

  create_queue_policy = true
  queue_policy_statements = {
    account = {
      sid     = "AccountSendReceive"
      actions = ["sqs:SendMessage", "sqs:ReceiveMessage"]
      principals = [{
        type        = "AWS"
        identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
      }]
    }
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
        values   = ["arn:aws:sns:us-east-1:${data.aws_caller_identity.current.account_id}:estate-orders"]
      }]
    }
  }
}

module "audit" {
  source = "CORPUS/sqs"

  name                    = "estate-audit-events"
  sqs_managed_sse_enabled = true

  redrive_policy = {
    deadLetterTargetArn = module.orders.dead_letter_queue_arn
    maxReceiveCount     = 10
  }
}

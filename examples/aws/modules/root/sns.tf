# SNS: topics and their SQS subscriptions within the same deployment.

locals {
  sns_queue_subscriptions = merge([
    for tname, t in var.sns_topics : {
      for q in t.subscribe_queues : "${tname}/${q}" => { topic = tname, queue = q }
    }
  ]...)
}

resource "aws_sns_topic" "this" {
  for_each = var.sns_topics

  name                        = each.value.name
  display_name                = each.value.display_name
  fifo_topic                  = each.value.fifo
  content_based_deduplication = each.value.fifo ? true : null
  kms_master_key_id           = each.value.kms_key == null ? null : lookup(local.kms_key_arns, each.value.kms_key, each.value.kms_key)
  tags                        = each.value.tags
}

resource "aws_sns_topic_subscription" "sqs" {
  for_each = local.sns_queue_subscriptions

  topic_arn            = aws_sns_topic.this[each.value.topic].arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.this[each.value.queue].arn
  raw_message_delivery = true

  depends_on = [aws_sqs_queue_policy.from_sns]
}

# SQS: queues, optional dead-letter queues, and the policy that lets subscribed topics deliver.

locals {
  sqs_dlqs = { for name, q in var.sqs_queues : name => q if q.dead_letter != null }

  # queue logical name → topic logical names that subscribe it.
  sqs_topic_sources = {
    for qname, q in var.sqs_queues : qname => [
      for tname, t in var.sns_topics : tname if contains(t.subscribe_queues, qname)
    ]
  }
}

resource "aws_sqs_queue" "dlq" {
  for_each = local.sqs_dlqs

  name                      = each.value.fifo ? "${trimsuffix(each.value.name, ".fifo")}-dlq.fifo" : "${each.value.name}-dlq"
  fifo_queue                = each.value.fifo
  message_retention_seconds = each.value.dead_letter.message_retention_seconds
  kms_master_key_id         = each.value.kms_key == null ? null : lookup(local.kms_key_arns, each.value.kms_key, each.value.kms_key)
  sqs_managed_sse_enabled   = each.value.kms_key == null ? true : null
  tags                      = each.value.tags
}

resource "aws_sqs_queue" "this" {
  for_each = var.sqs_queues

  name                       = each.value.name
  fifo_queue                 = each.value.fifo
  visibility_timeout_seconds = each.value.visibility_timeout_seconds
  message_retention_seconds  = each.value.message_retention_seconds
  delay_seconds              = each.value.delay_seconds
  receive_wait_time_seconds  = each.value.receive_wait_time_seconds
  kms_master_key_id          = each.value.kms_key == null ? null : lookup(local.kms_key_arns, each.value.kms_key, each.value.kms_key)
  sqs_managed_sse_enabled    = each.value.kms_key == null ? true : null
  redrive_policy = each.value.dead_letter == null ? null : jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq[each.key].arn
    maxReceiveCount     = each.value.dead_letter.max_receive_count
  })
  tags = each.value.tags
}

resource "aws_sqs_queue_policy" "from_sns" {
  for_each = { for q, topics in local.sqs_topic_sources : q => topics if length(topics) > 0 }

  queue_url = aws_sqs_queue.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowSubscribedTopics"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.this[each.key].arn
      Condition = { ArnEquals = { "aws:SourceArn" = [for t in each.value : aws_sns_topic.this[t].arn] } }
    }]
  })
}

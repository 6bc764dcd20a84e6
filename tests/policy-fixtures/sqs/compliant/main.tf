# A queue encrypted with a customer KMS key and a redrive policy to an existing DLQ, the DLQ
# itself (SQS-managed SSE, redrive_allow_policy), a queue policy that lets one SNS topic send,
# and a queue with SQS-managed SSE only (fails only when kms_required contains "sqs").
resource "aws_sqs_queue" "work" {
  name                       = "fx-work"
  kms_master_key_id          = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  visibility_timeout_seconds = 60
  message_retention_seconds  = 345600
  redrive_policy = jsonencode({
    deadLetterTargetArn = "arn:aws:sqs:us-east-1:123456789012:fx-work-dlq"
    maxReceiveCount     = 5
  })
}

resource "aws_sqs_queue" "work_dlq" {
  name                      = "fx-work-dlq"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = ["arn:aws:sqs:us-east-1:123456789012:fx-work"]
  })
}

resource "aws_sqs_queue" "managed" {
  name                    = "fx-managed"
  sqs_managed_sse_enabled = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = "arn:aws:sqs:us-east-1:123456789012:fx-work-dlq"
    maxReceiveCount     = 3
  })
}

resource "aws_sqs_queue_policy" "work" {
  queue_url = aws_sqs_queue.work.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowTopic"
      Effect    = "Allow"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Resource  = "arn:aws:sqs:us-east-1:123456789012:fx-work"
      Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:us-east-1:123456789012:fx-alerts" } }
    }]
  })
}

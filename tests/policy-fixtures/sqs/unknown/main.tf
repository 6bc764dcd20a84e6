# Values known only after apply: the queue's KMS key and its dead-letter queue are created by
# the same plan, and the queue policy's document embeds the queue ARN.
resource "aws_kms_key" "queue" {
  description             = "fx queue key"
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_sqs_queue" "dlq" {
  name                    = "fx-jobs-dlq"
  sqs_managed_sse_enabled = true
}

resource "aws_sqs_queue" "jobs" {
  name              = "fx-jobs"
  kms_master_key_id = aws_kms_key.queue.arn
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 5
  })
}

resource "aws_sqs_queue_policy" "jobs" {
  queue_url = aws_sqs_queue.jobs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Account"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.jobs.arn
    }]
  })
}

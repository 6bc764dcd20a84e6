# A queue with SSE switched off, no redrive policy, maximal retention and an inline policy
# letting anyone send; a queue policy giving sqs:* to anyone (narrowed, still too broad); a
# queue whose encryption is left to the provider (unknown until apply).
resource "aws_sqs_queue" "open" {
  name                      = "fx-open"
  sqs_managed_sse_enabled   = false
  message_retention_seconds = 1209600
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AnyoneSends"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["sqs:SendMessage"]
      Resource  = "arn:aws:sqs:us-east-1:123456789012:fx-open"
    }]
  })
}

resource "aws_sqs_queue" "defaults" {
  name = "fx-defaults"
}

resource "aws_sqs_queue_policy" "open" {
  queue_url = aws_sqs_queue.defaults.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Everything"
      Effect    = "Allow"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = "arn:aws:sqs:us-east-1:123456789012:fx-defaults"
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }]
  })
}

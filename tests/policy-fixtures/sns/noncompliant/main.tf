# An unencrypted topic whose inline policy lets anyone subscribe, a topic policy letting
# anyone publish and read attributes, a plain-http subscription, no delivery status logging,
# and a FIFO topic without content-based deduplication (encrypted with the AWS managed key).
resource "aws_sns_topic" "public" {
  name = "fx-public"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AnyoneSubscribes"
      Effect    = "Allow"
      Principal = "*"
      Action    = "sns:Subscribe"
      Resource  = "arn:aws:sns:us-east-1:123456789012:fx-public"
    }]
  })
}

resource "aws_sns_topic" "jobs" {
  name              = "fx-jobs.fifo"
  fifo_topic        = true
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sns_topic_policy" "public" {
  arn = aws_sns_topic.public.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AnyonePublishes"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["sns:Publish"]
        Resource  = "arn:aws:sns:us-east-1:123456789012:fx-public"
      },
      {
        Sid       = "AnyoneReads"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"]
        Resource  = "arn:aws:sns:us-east-1:123456789012:fx-public"
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "webhook" {
  topic_arn              = aws_sns_topic.public.arn
  protocol               = "http"
  endpoint               = "http://hooks.example.com/alerts"
  endpoint_auto_confirms = true
}

# Encrypted topics, a topic policy open to "*" only when narrowed by aws:SourceAccount, an
# https subscription, delivery status logging, and a FIFO topic with content-based dedup.
resource "aws_sns_topic" "alerts" {
  name                              = "fx-alerts"
  kms_master_key_id                 = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  http_success_feedback_role_arn    = "arn:aws:iam::123456789012:role/sns-delivery-status"
  http_failure_feedback_role_arn    = "arn:aws:iam::123456789012:role/sns-delivery-status"
  http_success_feedback_sample_rate = 10
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OwnerPublish"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = ["SNS:Publish", "SNS:Subscribe"]
      Resource  = "arn:aws:sns:us-east-1:123456789012:fx-alerts"
    }]
  })
}

resource "aws_sns_topic" "orders" {
  name                          = "fx-orders.fifo"
  fifo_topic                    = true
  content_based_deduplication   = true
  kms_master_key_id             = "alias/aws/sns"
  sqs_failure_feedback_role_arn = "arn:aws:iam::123456789012:role/sns-delivery-status"
}

resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudWatchAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:us-east-1:123456789012:fx-alerts"
      },
      {
        Sid       = "AccountOnly"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["SNS:GetTopicAttributes", "SNS:Publish"]
        Resource  = "arn:aws:sns:us-east-1:123456789012:fx-alerts"
        Condition = { StringEquals = { "AWS:SourceOwner" = "123456789012" } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:us-east-1:123456789012:fx-alerts"
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "webhook" {
  topic_arn              = aws_sns_topic.alerts.arn
  protocol               = "https"
  endpoint               = "https://hooks.example.com/alerts"
  endpoint_auto_confirms = true
}

# Values known only after apply: the topic's KMS key is created by the same plan, and the topic
# policy's document embeds the topic ARN.
resource "aws_kms_key" "topic" {
  description             = "fx topic key"
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_sns_topic" "events" {
  name                          = "fx-events"
  kms_master_key_id             = aws_kms_key.topic.arn
  sqs_failure_feedback_role_arn = aws_iam_role.feedback.arn
}

resource "aws_iam_role" "feedback" {
  name = "fx-sns-feedback"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "sns.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_sns_topic_policy" "events" {
  arn = aws_sns_topic.events.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Account"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.events.arn
    }]
  })
}

# Values known only after apply: KMS keys created by the same plan (log group, trail) and an
# alarm whose action is a topic of the same plan; plus an alarm whose actions are disabled.
resource "aws_kms_key" "logs" {
  description             = "fx logs key"
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/fx/app"
  retention_in_days = 400
  kms_key_id        = aws_kms_key.logs.arn
}

resource "aws_sns_topic" "alarms" {
  name              = "fx-alarms"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "fx-errors"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "muted" {
  alarm_name          = "fx-muted"
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  actions_enabled     = false
  alarm_actions       = ["arn:aws:sns:us-east-1:123456789012:fx-security"]
}

resource "aws_cloudtrail" "main" {
  name                       = "fx-main"
  s3_bucket_name             = "fx-trail-bucket"
  is_multi_region_trail      = true
  enable_log_file_validation = true
  kms_key_id                 = aws_kms_key.logs.arn
}

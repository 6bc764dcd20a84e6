# KMS-encrypted log groups (365 days, and 0 = never expire), an alarm with actions, the CIS 4.1
# and 4.3 metric filters each with an alarm on its metric, and a multi-region, validated,
# KMS-encrypted trail.
resource "aws_cloudwatch_log_group" "app" {
  name              = "/fx/app"
  retention_in_days = 365
  kms_key_id        = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

resource "aws_cloudwatch_log_group" "audit" {
  name              = "/fx/audit"
  retention_in_days = 0
  kms_key_id        = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

resource "aws_cloudwatch_log_metric_filter" "unauthorized" {
  name           = "unauthorized-api-calls"
  log_group_name = aws_cloudwatch_log_group.audit.name
  pattern        = "{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }"
  metric_transformation {
    name      = "UnauthorizedAPICalls"
    namespace = "CISBenchmark"
    value     = "1"
  }
}

resource "aws_cloudwatch_log_metric_filter" "root" {
  name           = "root-usage"
  log_group_name = aws_cloudwatch_log_group.audit.name
  pattern        = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"
  metric_transformation {
    name      = "RootAccountUsage"
    namespace = "CISBenchmark"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "unauthorized" {
  alarm_name          = "fx-unauthorized-api-calls"
  namespace           = "CISBenchmark"
  metric_name         = "UnauthorizedAPICalls"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = ["arn:aws:sns:us-east-1:123456789012:fx-security"]
}

resource "aws_cloudwatch_metric_alarm" "root" {
  alarm_name          = "fx-root-usage"
  namespace           = "CISBenchmark"
  metric_name         = "RootAccountUsage"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = ["arn:aws:sns:us-east-1:123456789012:fx-security"]
}

resource "aws_cloudtrail" "main" {
  name                          = "fx-main"
  s3_bucket_name                = "fx-trail-bucket"
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

# An unencrypted log group kept 7 days, an alarm with no actions, CIS 4.1 and 4.3 metric
# filters that no alarm watches, and a single-region, unvalidated, unencrypted trail.
resource "aws_cloudwatch_log_group" "app" {
  name              = "/fx/app"
  retention_in_days = 7
}

resource "aws_cloudwatch_log_metric_filter" "unauthorized" {
  name           = "unauthorized-api-calls"
  log_group_name = aws_cloudwatch_log_group.app.name
  pattern        = "{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }"
  metric_transformation {
    name      = "UnauthorizedAPICalls"
    namespace = "CISBenchmark"
    value     = "1"
  }
}

resource "aws_cloudwatch_log_metric_filter" "root" {
  name           = "root-usage"
  log_group_name = aws_cloudwatch_log_group.app.name
  pattern        = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }"
  metric_transformation {
    name      = "RootAccountUsage"
    namespace = "CISBenchmark"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "fx-cpu"
  namespace           = "AWS/EC2"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
}

resource "aws_cloudtrail" "main" {
  name           = "fx-main"
  s3_bucket_name = "fx-trail-bucket"
}

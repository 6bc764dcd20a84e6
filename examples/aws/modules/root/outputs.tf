output "deployment" {
  description = "Who and where this deployment is, and the account the provider really landed in."
  value = {
    account           = var.tfo_account_name
    expected_account  = var.tfo_account_id
    caller_account_id = data.aws_caller_identity.current.account_id
    caller_arn        = data.aws_caller_identity.current.arn
    region            = var.tfo_region
    project           = var.tfo_project
    state_key         = var.tfo_state_key
  }
}

output "s3_bucket_arns" {
  value = { for k, b in aws_s3_bucket.this : k => b.arn }
}

output "kms_key_arns" {
  value = { for k, key in aws_kms_key.this : k => key.arn }
}

output "iam_role_arns" {
  value = { for k, r in aws_iam_role.this : k => r.arn }
}

output "sqs_queue_urls" {
  value = { for k, q in aws_sqs_queue.this : k => q.url }
}

output "sns_topic_arns" {
  value = { for k, t in aws_sns_topic.this : k => t.arn }
}

output "dynamodb_table_arns" {
  value = { for k, t in aws_dynamodb_table.this : k => t.arn }
}

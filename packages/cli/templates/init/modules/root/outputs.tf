output "arns" {
  description = "ARN of every example resource, by service and name."
  value = {
    s3     = { for k, r in terraform_data.s3_bucket : k => r.output.arn }
    kms    = { for k, r in terraform_data.kms_key : k => r.output.arn }
    iam    = { for k, r in terraform_data.iam_role : k => r.output.arn }
    lambda = { for k, r in terraform_data.lambda_function : k => r.output.arn }
  }
}

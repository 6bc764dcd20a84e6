output "deployment" {
  description = "Who and where this deployment is."
  value = {
    account    = var.tfo_account_name
    account_id = var.tfo_account_id
    region     = var.tfo_region
    project    = var.tfo_project
    state_key  = var.tfo_state_key
  }
}

output "resource_arns" {
  description = "ARN of every simulated resource, by service and logical name."
  value = {
    s3     = { for k, r in terraform_data.s3_bucket : k => r.output.arn }
    kms    = { for k, r in terraform_data.kms_key : k => r.output.arn }
    iam    = { for k, r in terraform_data.iam_role : k => r.output.arn }
    lambda = { for k, r in terraform_data.lambda_function : k => r.output.arn }
  }
}

output "resource_count" {
  description = "Number of simulated resources in this deployment."
  value = (length(terraform_data.s3_bucket) + length(terraform_data.kms_key) +
  length(terraform_data.iam_role) + length(terraform_data.lambda_function))
}

# Sensitive: database connection strings built from the lambda inputs. tfo must never show
# these values (terminal, PR comment, HTML); only encrypted audit sinks get them.
output "connection_strings" {
  description = "Database connection string per lambda function that has a database."
  sensitive   = true
  value = {
    for name, f in var.lambda_functions : name => format(
      "postgresql://%s:%s@%s:5432/%s?sslmode=require",
      coalesce(f.db_user, "app"), coalesce(f.db_password, ""), f.db_host, coalesce(f.db_name, name),
    ) if f.db_host != null
  }
}

# The IAM service of project deploy-roles in the prod account, us-east-1.
account_key = "prod"
region_code = "use1"

iam_roles = {
  "orders-api-exec" = {
    description    = "Execution role of the orders-api function"
    trust_services = ["lambda.amazonaws.com"]
    tags = {
      Owner       = "orders@example.com"
      Team        = "orders"
      Environment = "prod"
      CostCenter  = "CC-2000"
    }
  }
}

# Roles CI assumes to deploy to prod, and the lambda execution role of the orders service.
account_key = "prod"
region_code = "use1"

iam_roles = {
  "ci-deployer" = {
    description          = "Assumed by the CI runners in the tooling account to deploy to acme-prod"
    trust_accounts       = ["444444444444"]
    max_session_duration = 3600
    managed_policy_arns  = ["arn:aws:iam::aws:policy/PowerUserAccess"]
    tags = {
      Owner       = "platform@acme.example"
      Team        = "platform"
      Environment = "prod"
      CostCenter  = "CC-1000"
    }
  }
  "orders-api-exec" = {
    description         = "Execution role of the orders-api lambda"
    trust_services      = ["lambda.amazonaws.com"]
    managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    inline_policies = {
      "orders-table" = [
        {
          sid       = "OrdersTable"
          actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"]
          resources = ["arn:aws:dynamodb:us-east-1:333333333333:table/acme-prod-orders"]
        },
      ]
    }
    tags = {
      Owner       = "orders@acme.example"
      Team        = "orders"
      Environment = "prod"
      CostCenter  = "CC-5200"
    }
  }
}

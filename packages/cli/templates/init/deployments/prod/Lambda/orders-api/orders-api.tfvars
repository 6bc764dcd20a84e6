# The Lambda service of project orders-api in the prod account, us-east-1.
account_key = "prod"
region_code = "use1"

lambda_functions = {
  "orders-api" = {
    runtime     = "nodejs22.x"
    handler     = "index.handler"
    memory_size = 256
    tags = {
      Owner       = "orders@example.com"
      Team        = "orders"
      Environment = "prod"
      CostCenter  = "CC-2000"
    }
  }
}

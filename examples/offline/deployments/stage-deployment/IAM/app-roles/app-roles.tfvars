# Execution roles for the stage workloads (Ireland).
account_key = "stage"
region_code = "euw1"

iam_roles = {
  "orders-api-exec" = {
    description         = "Execution role of the orders-api lambda"
    trust_services      = ["lambda.amazonaws.com"]
    managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    inline_policies = {
      "orders-queue" = {
        actions   = ["sqs:SendMessage", "sqs:GetQueueAttributes"]
        resources = ["arn:aws:sqs:eu-west-1:222222222222:acme-stage-orders"]
      }
    }
    tags = {
      Owner       = "orders@acme.example"
      Team        = "orders"
      Environment = "stage"
      CostCenter  = "CC-5200"
    }
  }
  "ecs-task-web" = {
    description    = "Task role of the web frontend on ECS"
    trust_services = ["ecs-tasks.amazonaws.com"]
    inline_policies = {
      "read-config" = {
        actions   = ["ssm:GetParameter", "ssm:GetParametersByPath"]
        resources = ["arn:aws:ssm:eu-west-1:222222222222:parameter/web/*"]
      }
    }
    tags = {
      Owner       = "web-platform@acme.example"
      Team        = "web-platform"
      Environment = "stage"
      CostCenter  = "CC-1042"
    }
  }
}

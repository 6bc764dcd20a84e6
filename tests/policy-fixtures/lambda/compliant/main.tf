terraform {
  required_providers {
    aws = { source = "registry.terraform.io/hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
}
resource "aws_lambda_function" "api" {
  function_name                  = "api"
  role                           = "arn:aws:iam::123456789012:role/api-lambda"
  runtime                        = "python3.12"
  handler                        = "app.handler"
  s3_bucket                      = "artifacts-bucket"
  s3_key                         = "api/app.zip"
  kms_key_arn                    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  reserved_concurrent_executions = 10

  environment {
    variables = {
      LOG_LEVEL              = "info"
      DB_PASSWORD_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf"
      API_TOKEN_PARAMETER    = "/api/token"
    }
  }

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = "arn:aws:sqs:us-east-1:123456789012:api-dlq"
  }

  vpc_config {
    subnet_ids         = ["subnet-0123456789abcdef0"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}

resource "aws_lambda_permission" "from_bucket" {
  statement_id   = "AllowS3"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.api.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = "arn:aws:s3:::uploads-bucket"
  source_account = "123456789012"
}

resource "aws_lambda_permission" "from_org" {
  statement_id     = "AllowOrg"
  action           = "lambda:InvokeFunction"
  function_name    = aws_lambda_function.api.function_name
  principal        = "*"
  principal_org_id = "o-abcdef1234"
}

resource "aws_lambda_function_url" "api" {
  function_name      = aws_lambda_function.api.function_name
  authorization_type = "AWS_IAM"
}

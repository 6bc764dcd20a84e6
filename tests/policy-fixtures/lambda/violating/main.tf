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
variable "db_password" {
  type      = string
  sensitive = true
  default   = "not-a-real-password"
}

resource "aws_iam_user" "svc" {
  name = "svc"
}

resource "aws_iam_access_key" "svc" {
  user = aws_iam_user.svc.name
}

resource "aws_lambda_function" "legacy" {
  function_name = "legacy"
  role          = "arn:aws:iam::123456789012:role/legacy-lambda"
  runtime       = "python3.8"
  handler       = "app.handler"
  s3_bucket     = "artifacts-bucket"
  s3_key        = "legacy/app.zip"

  environment {
    variables = {
      LOG_LEVEL      = "debug"
      STRIPE_API_KEY = "sk_test_not_a_real_key"
      DB_PASSWORD    = var.db_password
    }
  }
}

# A value unknown until apply makes the whole variables map unknown in the plan.
resource "aws_lambda_function" "keyed" {
  function_name = "keyed"
  role          = "arn:aws:iam::123456789012:role/legacy-lambda"
  runtime       = "python3.12"
  handler       = "app.handler"
  s3_bucket     = "artifacts-bucket"
  s3_key        = "keyed/app.zip"
  kms_key_arn   = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"

  environment {
    variables = {
      SERVICE_SECRET = aws_iam_access_key.svc.secret
    }
  }

  tracing_config {
    mode = terraform_data.tracing.output
  }
}

resource "terraform_data" "tracing" {
  input = "Active"
}

resource "aws_lambda_function" "old_node" {
  function_name = "old-node"
  role          = "arn:aws:iam::123456789012:role/legacy-lambda"
  runtime       = "nodejs14.x"
  handler       = "index.handler"
  s3_bucket     = "artifacts-bucket"
  s3_key        = "old-node/app.zip"

  tracing_config {
    mode = "PassThrough"
  }
}

resource "aws_lambda_permission" "public" {
  statement_id  = "AllowAnyone"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.legacy.function_name
  principal     = "*"
}

resource "aws_lambda_permission" "from_topic" {
  statement_id  = "AllowSNS"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.legacy.function_name
  principal     = "sns.amazonaws.com"
}

resource "aws_lambda_function_url" "legacy" {
  function_name      = aws_lambda_function.legacy.function_name
  authorization_type = "NONE"
}

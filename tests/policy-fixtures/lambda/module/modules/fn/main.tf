variable "name" {
  type = string
}

resource "aws_lambda_function" "this" {
  function_name                  = var.name
  role                           = "arn:aws:iam::123456789012:role/${var.name}"
  runtime                        = "go1.x"
  handler                        = "main"
  s3_bucket                      = "artifacts-bucket"
  s3_key                         = "${var.name}/app.zip"
  reserved_concurrent_executions = 2

  environment {
    variables = {
      GITHUB_TOKEN = "not-a-real-token"
    }
  }

  tracing_config {
    mode = "Active"
  }
}

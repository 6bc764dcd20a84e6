# A REST API without endpoint_configuration (created edge-optimized), a stage whose access log
# group is created by the same plan (destination unknown until apply), and a custom domain
# that leaves security_policy to the provider.
resource "aws_api_gateway_rest_api" "api" {
  name = "fx-api"
}

resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_rest_api.api.root_resource_id
  http_method   = "GET"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  depends_on  = [aws_api_gateway_method.get]
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/fx/api-access"
  retention_in_days = 365
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id          = aws_api_gateway_rest_api.api.id
  deployment_id        = aws_api_gateway_deployment.api.id
  stage_name           = "prod"
  xray_tracing_enabled = true
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = "{\"requestId\":\"$context.requestId\"}"
  }
}

resource "aws_api_gateway_domain_name" "api" {
  domain_name              = "api.fx.example.com"
  regional_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

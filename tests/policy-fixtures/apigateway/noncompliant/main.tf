# An edge REST API with an unauthenticated GET, a stage without access logs or X-Ray, method
# settings with logging off, full request/response logging and an unencrypted cache, a TLS 1.0
# custom domain; an HTTP API whose stage has no access logs and whose route is unauthenticated.
resource "aws_api_gateway_rest_api" "api" {
  name = "fx-api"
  endpoint_configuration {
    types = ["EDGE"]
  }
}

resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_rest_api.api.root_resource_id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  depends_on  = [aws_api_gateway_method.get]
}

resource "aws_api_gateway_stage" "dev" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
  stage_name    = "dev"
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.dev.stage_name
  method_path = "*/*"
  settings {
    logging_level        = "OFF"
    data_trace_enabled   = true
    caching_enabled      = true
    cache_data_encrypted = false
  }
}

resource "aws_api_gateway_domain_name" "api" {
  domain_name     = "legacy.fx.example.com"
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  security_policy = "TLS_1_0"
}

resource "aws_apigatewayv2_api" "http" {
  name          = "fx-http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_route" "get" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /items"
}

resource "aws_apigatewayv2_stage" "dev" {
  api_id = aws_apigatewayv2_api.http.id
  name   = "dev"
}

# A regional REST API: IAM-authorised GET, an API-key POST and an open OPTIONS (CORS), a stage
# with access logs and X-Ray, method settings logging at INFO with encrypted cache, a TLS 1.2
# custom domain; an HTTP API whose stage has access logs and whose route is IAM-authorised.
resource "aws_api_gateway_rest_api" "api" {
  name = "fx-api"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "items"
}

resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "GET"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_method" "post" {
  rest_api_id      = aws_api_gateway_rest_api.api.id
  resource_id      = aws_api_gateway_resource.items.id
  http_method      = "POST"
  authorization    = "NONE"
  api_key_required = true
}

resource "aws_api_gateway_method" "options" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  depends_on  = [aws_api_gateway_method.get, aws_api_gateway_method.post, aws_api_gateway_method.options]
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id           = aws_api_gateway_rest_api.api.id
  deployment_id         = aws_api_gateway_deployment.api.id
  stage_name            = "prod"
  xray_tracing_enabled  = true
  cache_cluster_enabled = true
  cache_cluster_size    = "0.5"
  access_log_settings {
    destination_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/fx/api-access"
    format          = "{\"requestId\":\"$context.requestId\",\"status\":\"$context.status\"}"
  }
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"
  settings {
    logging_level        = "INFO"
    metrics_enabled      = true
    data_trace_enabled   = false
    caching_enabled      = true
    cache_data_encrypted = true
  }
}

resource "aws_api_gateway_domain_name" "api" {
  domain_name              = "api.fx.example.com"
  regional_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  security_policy          = "TLS_1_2"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_apigatewayv2_api" "http" {
  name          = "fx-http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_route" "get" {
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = "GET /items"
  authorization_type = "AWS_IAM"
}

resource "aws_apigatewayv2_route" "options" {
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = "OPTIONS /items"
  authorization_type = "NONE"
}

resource "aws_apigatewayv2_stage" "prod" {
  api_id = aws_apigatewayv2_api.http.id
  name   = "prod"
  access_log_settings {
    destination_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/fx/http-access"
    format          = "{\"requestId\":\"$context.requestId\"}"
  }
}

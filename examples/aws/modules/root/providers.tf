# One provider per deployment, in the deployment's account and region.
#
# Credentials come from the environment tfo builds (AWS_ACCESS_KEY_ID/… or a profile). When the
# account has a role (TF_VAR_tfo_role_arn non-empty) the provider assumes it, and
# allowed_account_ids then makes terraform refuse to touch any other account.
#
# Endpoints: the provider reads AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) from the
# environment itself, which is how the moto demo points it at 127.0.0.1. var.aws_endpoint is
# the explicit alternative (TF_VAR_aws_endpoint) for tools that cannot set AWS_ENDPOINT_URL.
provider "aws" {
  region = var.tfo_region

  allowed_account_ids = var.tfo_role_arn != "" ? [var.tfo_account_id] : null

  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = false
  skip_requesting_account_id  = false
  s3_use_path_style           = true

  dynamic "assume_role" {
    for_each = var.tfo_role_arn != "" ? [var.tfo_role_arn] : []
    content {
      role_arn     = assume_role.value
      session_name = substr("tfo-${var.tfo_project}", 0, 64)
      duration     = "1h"
    }
  }

  dynamic "endpoints" {
    for_each = var.aws_endpoint != "" ? [var.aws_endpoint] : []
    content {
      dynamodb = endpoints.value
      iam      = endpoints.value
      kms      = endpoints.value
      s3       = endpoints.value
      sns      = endpoints.value
      sqs      = endpoints.value
      sts      = endpoints.value
    }
  }

  default_tags {
    tags = {
      ManagedBy = "tfo"
      Project   = var.tfo_project
    }
  }
}

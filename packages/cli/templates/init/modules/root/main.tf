# Each terraform_data records what the AWS resource would be (type, ARN, settings, tags): real
# plans, state and applies, with nothing leaving the machine. Replace these with aws_* resources.

locals {
  where = "${var.tfo_region}:${var.tfo_account_id}"
}

resource "terraform_data" "s3_bucket" {
  for_each = var.s3_buckets

  input = {
    aws_type = "aws_s3_bucket"
    arn      = "arn:aws:s3:::${each.value.bucket_name}"
    settings = {
      versioning    = each.value.versioning
      sse_algorithm = each.value.sse_algorithm
      block_public  = each.value.block_public
    }
    tags = each.value.tags
  }
}

resource "terraform_data" "kms_key" {
  for_each = var.kms_keys

  input = {
    aws_type = "aws_kms_key"
    arn      = "arn:aws:kms:${local.where}:alias/${each.value.alias}"
    settings = {
      description         = each.value.description
      enable_key_rotation = each.value.enable_key_rotation
    }
    tags = each.value.tags
  }
}

resource "terraform_data" "iam_role" {
  for_each = var.iam_roles

  input = {
    aws_type = "aws_iam_role"
    arn      = "arn:aws:iam::${var.tfo_account_id}:role/${each.key}"
    settings = {
      description    = each.value.description
      trust_services = each.value.trust_services
    }
    tags = each.value.tags
  }
}

resource "terraform_data" "lambda_function" {
  for_each = var.lambda_functions

  input = {
    aws_type = "aws_lambda_function"
    arn      = "arn:aws:lambda:${local.where}:function:${each.key}"
    settings = {
      runtime     = each.value.runtime
      handler     = each.value.handler
      memory_size = each.value.memory_size
    }
    tags = each.value.tags
  }
}

# Secure by default: a data bucket encrypted with a KMS key from the kms module, versioned,
# TLS-only, public access blocked, logging to a log bucket (SSE-S3, as server access logging
# requires) that only the S3 logging service of this account may write to.

data "aws_caller_identity" "current" {}

module "kms" {
  source = "CORPUS/kms"

  description = "estate data bucket key"
  aliases     = ["estate/s3-data"]
}

module "log_bucket" {
  source = "CORPUS/s3-bucket"

  bucket = "estate-secure-access-logs"

  control_object_ownership = true

  attach_access_log_delivery_policy          = true
  access_log_delivery_policy_source_accounts = [data.aws_caller_identity.current.account_id]
  attach_deny_insecure_transport_policy      = true

  versioning = { enabled = true }

  server_side_encryption_configuration = {
    rule = {
      apply_server_side_encryption_by_default = { sse_algorithm = "AES256" }
    }
  }

  lifecycle_rule = [{
    id                                     = "expire-logs"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 7
    expiration                             = { days = 400 }
  }]
}

module "data_bucket" {
  source = "CORPUS/s3-bucket"

  bucket = "estate-secure-data"

  control_object_ownership              = true
  attach_deny_insecure_transport_policy = true
  attach_require_latest_tls_policy      = true

  versioning = { enabled = true }

  server_side_encryption_configuration = {
    rule = {
      apply_server_side_encryption_by_default = {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = module.kms.key_arn
      }
      bucket_key_enabled = true
    }
  }

  logging = {
    target_bucket = module.log_bucket.s3_bucket_id
    target_prefix = "estate-secure-data/"
  }

  lifecycle_rule = [{
    id                                     = "abort-multipart"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 7
  }]
}

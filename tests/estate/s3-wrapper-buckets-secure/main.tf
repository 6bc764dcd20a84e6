# Secure by default: several buckets through the module's wrapper (for_each over items), the
# usual shape of a Terragrunt-style layer, with shared secure defaults and one log bucket (named
# by its fixed name: the wrapper takes items of type any, so a reference would leave count unknown).

module "logs" {
  source = "CORPUS/s3-bucket"

  bucket                                = "estate-wrapper-access-logs"
  control_object_ownership              = true
  attach_access_log_delivery_policy     = true
  attach_deny_insecure_transport_policy = true
  versioning                            = { enabled = true }
  server_side_encryption_configuration = {
    rule = { apply_server_side_encryption_by_default = { sse_algorithm = "AES256" } }
  }
  lifecycle_rule = [{
    id                                     = "expire-logs"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 7
    expiration                             = { days = 400 }
  }]
}

module "buckets" {
  source = "CORPUS/s3-bucket/wrappers"

  defaults = {
    control_object_ownership              = true
    attach_deny_insecure_transport_policy = true
    versioning                            = { enabled = true }
    server_side_encryption_configuration = {
      rule = { apply_server_side_encryption_by_default = { sse_algorithm = "AES256" } }
    }
    lifecycle_rule = [{
      id                                     = "abort-multipart"
      enabled                                = true
      abort_incomplete_multipart_upload_days = 7
    }]
    tags = { Environment = "prod", Team = "platform" }
  }

  items = {
    artifacts = {
      bucket  = "estate-wrapper-artifacts"
      logging = { target_bucket = "estate-wrapper-access-logs", target_prefix = "artifacts/" }
    }
    reports = {
      bucket  = "estate-wrapper-reports"
      logging = { target_bucket = "estate-wrapper-access-logs", target_prefix = "reports/" }
    }
    backups = {
      bucket  = "estate-wrapper-backups"
      logging = { target_bucket = "estate-wrapper-access-logs", target_prefix = "backups/" }
    }
  }
}

# Secure by default: a local module that makes buckets with for_each over a map and configures
# each through split resources iterating over aws_s3_bucket.this, encrypted with a KMS key made
# in the same plan, logging to a log bucket made with the corpus module.

module "kms" {
  source = "CORPUS/kms"

  description = "estate bucket-set key"
}

module "log_bucket" {
  source = "CORPUS/s3-bucket"

  bucket                                = "estate-set-access-logs"
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
  source = "../modules/bucket-set"

  buckets = {
    "estate-set-orders"   = {}
    "estate-set-invoices" = {}
    "estate-set-exports"  = {}
  }
  kms_key_arn = module.kms.key_arn
  log_bucket  = module.log_bucket.s3_bucket_id
}

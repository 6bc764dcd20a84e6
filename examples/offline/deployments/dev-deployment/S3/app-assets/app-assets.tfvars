# Static assets and user uploads for the web app (dev).
account_key = "dev"
region_code = "use1"

s3_buckets = {
  "assets" = {
    bucket_name     = "acme-dev-app-assets-use1"
    versioning      = true
    sse_algorithm   = "aws:kms"
    kms_key_alias   = "acme-dev-app"
    block_public    = true
    noncurrent_days = 30
    tags = {
      Owner       = "web-platform@acme.example"
      Team        = "web-platform"
      Environment = "dev"
      CostCenter  = "CC-1042"
    }
  }
  "uploads" = {
    bucket_name    = "acme-dev-user-uploads-use1"
    versioning     = true
    sse_algorithm  = "aws:kms"
    kms_key_alias  = "acme-dev-app"
    block_public   = true
    lifecycle_days = 90
    tags = {
      Owner       = "web-platform@acme.example"
      Team        = "web-platform"
      Environment = "dev"
      CostCenter  = "CC-1042"
    }
  }
}

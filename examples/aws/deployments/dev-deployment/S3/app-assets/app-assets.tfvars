# Web app static assets (dev): versioned, KMS-encrypted, private, TLS only.
account_key = "dev"
region_code = "use1"

s3_buckets = {
  "assets" = {
    bucket_name   = "acme-dev-app-assets-use1"
    versioning    = true
    sse_algorithm = "aws:kms"
    block_public  = true
    lifecycle_rules = [
      {
        id                         = "expire-old-versions"
        noncurrent_expiration_days = 30
      },
      {
        id              = "tmp-uploads"
        prefix          = "tmp/"
        expiration_days = 7
      },
    ]
    tags = {
      Owner       = "web-platform@acme.example"
      Team        = "web-platform"
      Environment = "dev"
      CostCenter  = "CC-1042"
    }
  }
}

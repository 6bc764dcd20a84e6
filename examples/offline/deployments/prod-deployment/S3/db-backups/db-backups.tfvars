# Database backup exports (prod).
account_key = "prod"
region_code = "use1"

s3_buckets = {
  "backups" = {
    bucket_name     = "acme-prod-db-backups-use1"
    versioning      = true
    sse_algorithm   = "aws:kms"
    kms_key_alias   = "acme-prod-platform"
    block_public    = true
    lifecycle_days  = 35
    noncurrent_days = 7
    tags = {
      Owner       = "dba@acme.example"
      Team        = "database"
      Environment = "prod"
      CostCenter  = "CC-1200"
    }
  }
}

# Data lake landing zone: its bucket and the key that encrypts it, deployed together.
# Two services in one file, so tfo gives it a combined/ state key.
account_key = "dev"
region_code = "euw1"

kms_keys = {
  "lake" = {
    description             = "Encrypts the dev data lake raw zone"
    alias                   = "acme-dev-data-lake"
    enable_key_rotation     = true
    deletion_window_in_days = 14
    tags = {
      Owner       = "data-eng@acme.example"
      Team        = "data-engineering"
      Environment = "dev"
      CostCenter  = "CC-3300"
    }
  }
}

s3_buckets = {
  "raw" = {
    bucket_name     = "acme-dev-data-lake-raw-euw1"
    versioning      = true
    sse_algorithm   = "aws:kms"
    kms_key_alias   = "acme-dev-data-lake"
    block_public    = true
    lifecycle_days  = 365
    noncurrent_days = 30
    tags = {
      Owner       = "data-eng@acme.example"
      Team        = "data-engineering"
      Environment = "dev"
      CostCenter  = "CC-3300"
    }
  }
}

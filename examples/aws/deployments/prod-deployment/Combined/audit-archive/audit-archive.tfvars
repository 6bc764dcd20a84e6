# Audit log archive (prod, Ireland): the bucket and the key that encrypts it, deployed
# together (combined/ state key).
account_key = "prod"
region_code = "euw1"

kms_keys = {
  "archive" = {
    description             = "Encrypts the prod audit log archive"
    alias                   = "acme-prod-audit-archive"
    enable_key_rotation     = true
    deletion_window_in_days = 30
    tags = {
      Owner       = "security@acme.example"
      Team        = "security"
      Environment = "prod"
      CostCenter  = "CC-1001"
    }
  }
}

s3_buckets = {
  "archive" = {
    bucket_name   = "acme-prod-audit-archive-euw1"
    versioning    = true
    sse_algorithm = "aws:kms"
    kms_key       = "archive"
    block_public  = true
    lifecycle_rules = [
      {
        id                       = "glacier-after-90-days"
        transition_days          = 90
        transition_storage_class = "GLACIER"
      },
    ]
    tags = {
      Owner       = "security@acme.example"
      Team        = "security"
      Environment = "prod"
      CostCenter  = "CC-1001"
    }
  }
}

# Access logs for the stage load balancers and CloudFront (Ireland).
account_key = "stage"
region_code = "euw1"

s3_buckets = {
  "access-logs" = {
    bucket_name     = "acme-stage-access-logs-euw1"
    versioning      = true
    sse_algorithm   = "AES256"
    block_public    = true
    lifecycle_days  = 180
    noncurrent_days = 7
    tags = {
      Owner       = "sre@acme.example"
      Team        = "sre"
      Environment = "stage"
      CostCenter  = "CC-1100"
    }
  }
}

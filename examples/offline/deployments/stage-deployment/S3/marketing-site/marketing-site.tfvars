# Static marketing site preview. Asks for a PUBLIC bucket (public_read, no public access
# block): policy is expected to BLOCK this deployment before anything is applied.
account_key = "stage"
region_code = "use1"

s3_buckets = {
  "site" = {
    bucket_name   = "acme-stage-marketing-site-use1"
    versioning    = true
    sse_algorithm = "AES256"
    block_public  = false
    public_read   = true
    tags = {
      Owner       = "marketing-web@acme.example"
      Team        = "marketing"
      Environment = "stage"
      CostCenter  = "CC-4400"
    }
  }
}

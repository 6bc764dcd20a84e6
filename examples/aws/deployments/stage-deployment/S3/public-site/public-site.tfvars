# Marketing site preview (stage). Its bucket policy grants s3:GetObject to everyone
# (Principal "*") and the public access block is off: it plans and applies fine, but policy is
# expected to BLOCK it before apply.
account_key = "stage"
region_code = "use1"

s3_buckets = {
  "site" = {
    bucket_name   = "acme-stage-public-site-use1"
    versioning    = true
    sse_algorithm = "AES256"
    block_public  = false
    policy_statements = [
      {
        sid            = "PublicReadGetObject"
        principal_type = "*"
        actions        = ["s3:GetObject"]
      },
    ]
    tags = {
      Owner       = "marketing-web@acme.example"
      Team        = "marketing"
      Environment = "stage"
      CostCenter  = "CC-4400"
    }
  }
}

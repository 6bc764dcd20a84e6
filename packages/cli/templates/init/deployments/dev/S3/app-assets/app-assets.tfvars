# One deployment: the S3 service of project app-assets in the dev account, us-east-1.
# Its state key: s3/example-dev/us-east-1/app-assets/terraform.tfstate
account_key = "dev"
region_code = "use1"

s3_buckets = {
  "assets" = {
    bucket_name   = "example-dev-app-assets-use1"
    versioning    = true
    sse_algorithm = "aws:kms"
    block_public  = true
    tags = {
      Owner       = "platform@example.com"
      Team        = "platform"
      Environment = "dev"
      CostCenter  = "CC-1000"
    }
  }
}

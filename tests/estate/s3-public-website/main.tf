# Insecure: a public website bucket as the module's documentation allows it: public access block
# switched off, a bucket policy letting anyone read, no encryption configuration, no versioning,
# no access logging, no TLS-only statement.

module "website" {
  source = "CORPUS/s3-bucket"

  bucket = "estate-public-website"

  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false

  attach_policy = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublicRead"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::estate-public-website/*"
    }]
  })

  website = {
    index_document = "index.html"
    error_document = "error.html"
  }
}

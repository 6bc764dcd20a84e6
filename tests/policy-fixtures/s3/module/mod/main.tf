variable "prefix" {
  type = string
}

# Nothing but the bucket: every split-resource rule should report it.
resource "aws_s3_bucket" "bare" {
  bucket = "${var.prefix}-bare"
}

resource "aws_s3_bucket" "full" {
  bucket = "${var.prefix}-full"
}

resource "aws_s3_bucket_public_access_block" "full" {
  bucket                  = aws_s3_bucket.full.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "full" {
  bucket = aws_s3_bucket.full.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "full" {
  bucket = aws_s3_bucket.full.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "full" {
  bucket = aws_s3_bucket.full.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_logging" "full" {
  bucket        = aws_s3_bucket.full.id
  target_bucket = "tfo-fx-central-access-logs"
  target_prefix = "full/"
}

resource "aws_s3_bucket_lifecycle_configuration" "full" {
  bucket = aws_s3_bucket.full.id
  rule {
    id     = "abort-multipart"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 3
    }
  }
}

resource "aws_s3_bucket_policy" "full" {
  bucket = aws_s3_bucket.full.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::${var.prefix}-full", "arn:aws:s3:::${var.prefix}-full/*"]
      Condition = { Bool = { "aws:SecureTransport" = false } }
    }]
  })
}

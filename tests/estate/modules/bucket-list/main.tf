# The count flavour of the same shape: buckets made with count over a list of names, and split
# resources iterating with count and naming their bucket as aws_s3_bucket.this[count.index].id.

variable "names" {
  description = "Bucket names."
  type        = list(string)
}

variable "log_bucket" {
  description = "Target bucket for server access logs; null for none."
  type        = string
  default     = null
}

variable "block_public_access" {
  description = "Whether the public access block sets all four flags."
  type        = bool
  default     = true
}

variable "encrypt" {
  description = "Whether to configure default encryption (SSE-S3)."
  type        = bool
  default     = true
}

resource "aws_s3_bucket" "this" {
  count = length(var.names)

  bucket = var.names[count.index]
}

resource "aws_s3_bucket_public_access_block" "this" {
  count = length(var.names)

  bucket                  = aws_s3_bucket.this[count.index].id
  block_public_acls       = var.block_public_access
  block_public_policy     = var.block_public_access
  ignore_public_acls      = var.block_public_access
  restrict_public_buckets = var.block_public_access
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count = var.encrypt ? length(var.names) : 0

  bucket = aws_s3_bucket.this[count.index].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "this" {
  count = length(var.names)

  bucket = aws_s3_bucket.this[count.index].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "this" {
  count = var.log_bucket == null ? 0 : length(var.names)

  bucket        = aws_s3_bucket.this[count.index].id
  target_bucket = var.log_bucket
  target_prefix = "${var.names[count.index]}/"
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = length(var.names)

  bucket = aws_s3_bucket.this[count.index].id
  rule {
    id     = "abort-multipart"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_iam_policy_document" "tls" {
  count = length(var.names)

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this[count.index].arn, "${aws_s3_bucket.this[count.index].arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count = length(var.names)

  bucket = aws_s3_bucket.this[count.index].id
  policy = data.aws_iam_policy_document.tls[count.index].json
}

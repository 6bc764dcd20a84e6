# S3: the bucket and its split configuration resources (AWS provider v4+ style).

locals {
  s3_policies = {
    for name, b in var.s3_buckets : name => jsonencode({
      Version = "2012-10-17"
      Statement = concat(
        [for s in b.policy_statements : {
          Sid    = s.sid
          Effect = s.effect
          # jsondecode gives both branches one (dynamic) type: "*" or { AWS|Service = [...] }.
          Principal = jsondecode(s.principal_type == "*" ? "\"*\"" : jsonencode({ (s.principal_type) = s.principal_identifiers }))
          Action    = s.actions
          Resource  = coalesce(s.resources, ["arn:${local.partition}:s3:::${b.bucket_name}/*"])
        }],
        b.enforce_tls ? [{
          Sid       = "DenyInsecureTransport"
          Effect    = "Deny"
          Principal = "*"
          Action    = "s3:*"
          Resource = [
            "arn:${local.partition}:s3:::${b.bucket_name}",
            "arn:${local.partition}:s3:::${b.bucket_name}/*",
          ]
          Condition = { Bool = { "aws:SecureTransport" = "false" } }
        }] : [],
      )
    }) if b.enforce_tls || length(b.policy_statements) > 0
  }
}

resource "aws_s3_bucket" "this" {
  for_each = var.s3_buckets

  bucket        = each.value.bucket_name
  force_destroy = each.value.force_destroy
  tags          = each.value.tags
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = var.s3_buckets

  bucket = aws_s3_bucket.this[each.key].id
  versioning_configuration {
    status = each.value.versioning ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = var.s3_buckets

  bucket = aws_s3_bucket.this[each.key].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = each.value.sse_algorithm
      kms_master_key_id = (each.value.sse_algorithm == "aws:kms" && each.value.kms_key != null
        ? lookup(local.kms_key_arns, each.value.kms_key, each.value.kms_key)
      : null)
    }
    bucket_key_enabled = each.value.sse_algorithm == "aws:kms" ? each.value.bucket_key_enabled : null
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = var.s3_buckets

  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = each.value.block_public
  block_public_policy     = each.value.block_public
  ignore_public_acls      = each.value.block_public
  restrict_public_buckets = each.value.block_public
}

resource "aws_s3_bucket_policy" "this" {
  for_each = local.s3_policies

  bucket = aws_s3_bucket.this[each.key].id
  policy = each.value

  # A public policy is only accepted once the public access block allows it.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = { for name, b in var.s3_buckets : name => b if length(b.lifecycle_rules) > 0 }

  bucket = aws_s3_bucket.this[each.key].id

  dynamic "rule" {
    for_each = each.value.lifecycle_rules
    content {
      id     = rule.value.id
      status = "Enabled"

      filter {
        prefix = rule.value.prefix
      }

      dynamic "expiration" {
        for_each = rule.value.expiration_days == null ? [] : [rule.value.expiration_days]
        content {
          days = expiration.value
        }
      }

      dynamic "noncurrent_version_expiration" {
        for_each = rule.value.noncurrent_expiration_days == null ? [] : [rule.value.noncurrent_expiration_days]
        content {
          noncurrent_days = noncurrent_version_expiration.value
        }
      }

      dynamic "transition" {
        for_each = rule.value.transition_days == null ? [] : [rule.value.transition_days]
        content {
          days          = transition.value
          storage_class = rule.value.transition_storage_class
        }
      }

      abort_incomplete_multipart_upload {
        days_after_initiation = rule.value.abort_multipart_days
      }
    }
  }

  # Lifecycle rules on noncurrent versions need versioning in place first.
  depends_on = [aws_s3_bucket_versioning.this]
}

# Offline demo root module: every "resource" is a terraform_data that records what the real
# AWS resource would look like (type, ARN, settings, tags). Plans and state are real; nothing
# leaves the machine. Policies can read `after.input.aws_type` to treat each one as the
# aws_* resource it stands for.

locals {
  identity = {
    account_key  = var.account_key
    account_name = var.tfo_account_name
    account_id   = var.tfo_account_id
    region_code  = var.region_code
    region       = var.tfo_region
    project      = var.tfo_project
    state_key    = var.tfo_state_key
    role_arn     = var.tfo_role_arn
  }

  default_tags = {
    ManagedBy = "tfo"
    Project   = var.tfo_project
  }

  # A stable, UUID-shaped id for each KMS key (a real key id is random; this one must not
  # change between plans or the verify plan would never be clean).
  kms_key_ids = {
    for name, k in var.kms_keys : name => join("-", [
      substr(sha1("${var.tfo_account_id}/${var.tfo_region}/${k.alias}"), 0, 8),
      substr(sha1("${var.tfo_account_id}/${var.tfo_region}/${k.alias}"), 8, 4),
      substr(sha1("${var.tfo_account_id}/${var.tfo_region}/${k.alias}"), 12, 4),
      substr(sha1("${var.tfo_account_id}/${var.tfo_region}/${k.alias}"), 16, 4),
      substr(sha1("${var.tfo_account_id}/${var.tfo_region}/${k.alias}"), 20, 12),
    ])
  }

  # Entries that ask for a simulated failure, across all services.
  failing = merge(
    { for name, b in var.s3_buckets : "s3/${name}" => b.bucket_name if b.simulate_apply_failure },
    { for name, k in var.kms_keys : "kms/${name}" => k.alias if k.simulate_apply_failure },
    { for name, r in var.iam_roles : "iam/${name}" => name if r.simulate_apply_failure },
    { for name, f in var.lambda_functions : "lambda/${name}" => name if f.simulate_apply_failure },
  )
}

# ---------------------------------------------------------------------------------------------
# S3
# ---------------------------------------------------------------------------------------------

resource "terraform_data" "s3_bucket" {
  for_each = var.s3_buckets

  # A bucket cannot be renamed or moved: a new name or region replaces it.
  triggers_replace = {
    bucket_name = each.value.bucket_name
    region      = var.tfo_region
  }

  input = {
    aws_type = "aws_s3_bucket"
    service  = "s3"
    name     = each.key
    identity = local.identity
    arn      = "arn:aws:s3:::${each.value.bucket_name}"
    bucket   = each.value.bucket_name
    settings = {
      versioning      = each.value.versioning
      force_destroy   = each.value.force_destroy
      sse_algorithm   = each.value.sse_algorithm
      kms_key_alias   = each.value.kms_key_alias
      block_public    = each.value.block_public
      public_read     = each.value.public_read
      lifecycle_days  = each.value.lifecycle_days
      noncurrent_days = each.value.noncurrent_days
    }
    # The bucket policy a public_read bucket would carry (what policy rules look for).
    policy = each.value.public_read ? jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "PublicRead"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:GetObject"]
        Resource  = ["arn:aws:s3:::${each.value.bucket_name}/*"]
      }]
    }) : null
    tags = merge(local.default_tags, each.value.tags)
  }
}

# ---------------------------------------------------------------------------------------------
# KMS
# ---------------------------------------------------------------------------------------------

resource "terraform_data" "kms_key" {
  for_each = var.kms_keys

  triggers_replace = {
    key_usage    = each.value.key_usage
    multi_region = each.value.multi_region
    region       = var.tfo_region
  }

  input = {
    aws_type = "aws_kms_key"
    service  = "kms"
    name     = each.key
    identity = local.identity
    key_id   = local.kms_key_ids[each.key]
    arn      = "arn:aws:kms:${var.tfo_region}:${var.tfo_account_id}:key/${local.kms_key_ids[each.key]}"
    alias    = "alias/${each.value.alias}"
    settings = {
      description             = each.value.description
      enable_key_rotation     = each.value.enable_key_rotation
      deletion_window_in_days = each.value.deletion_window_in_days
      key_usage               = each.value.key_usage
      multi_region            = each.value.multi_region
      admin_principals        = each.value.admin_principals
    }
    tags = merge(local.default_tags, each.value.tags)
  }
}

# ---------------------------------------------------------------------------------------------
# IAM
# ---------------------------------------------------------------------------------------------

resource "terraform_data" "iam_role" {
  for_each = var.iam_roles

  triggers_replace = {
    name = each.key
    path = each.value.path
  }

  input = {
    aws_type = "aws_iam_role"
    service  = "iam"
    name     = each.key
    identity = local.identity
    arn      = "arn:aws:iam::${var.tfo_account_id}:role${each.value.path}${each.key}"
    settings = {
      description          = each.value.description
      max_session_duration = each.value.max_session_duration
      managed_policy_arns  = each.value.managed_policy_arns
    }
    assume_role_policy = jsonencode({
      Version = "2012-10-17"
      Statement = concat(
        length(each.value.trust_services) > 0 ? [{
          Effect    = "Allow"
          Principal = { Service = each.value.trust_services }
          Action    = "sts:AssumeRole"
        }] : [],
        length(each.value.trust_accounts) > 0 ? [{
          Effect    = "Allow"
          Principal = { AWS = [for a in each.value.trust_accounts : "arn:aws:iam::${a}:root"] }
          Action    = "sts:AssumeRole"
        }] : [],
      )
    })
    inline_policies = {
      for pname, p in each.value.inline_policies : pname => jsonencode({
        Version = "2012-10-17"
        Statement = [{
          Effect   = p.effect
          Action   = p.actions
          Resource = p.resources
        }]
      })
    }
    tags = merge(local.default_tags, each.value.tags)
  }
}

# ---------------------------------------------------------------------------------------------
# Lambda
# ---------------------------------------------------------------------------------------------

resource "terraform_data" "lambda_function" {
  for_each = var.lambda_functions

  triggers_replace = {
    name   = each.key
    region = var.tfo_region
  }

  input = {
    aws_type = "aws_lambda_function"
    service  = "lambda"
    name     = each.key
    identity = local.identity
    arn      = "arn:aws:lambda:${var.tfo_region}:${var.tfo_account_id}:function:${each.key}"
    role_arn = "arn:aws:iam::${var.tfo_account_id}:role/${coalesce(each.value.role_name, "${each.key}-exec")}"
    settings = {
      runtime       = each.value.runtime
      handler       = each.value.handler
      memory_size   = each.value.memory_size
      timeout       = each.value.timeout
      architectures = each.value.architectures
      # The password never goes into state here: only the sensitive output carries it.
      environment = merge(each.value.environment, each.value.db_host == null ? {} : {
        DB_HOST = each.value.db_host
        DB_NAME = coalesce(each.value.db_name, each.key)
        DB_USER = coalesce(each.value.db_user, "app")
      })
    }
    tags = merge(local.default_tags, each.value.tags)
  }
}

# ---------------------------------------------------------------------------------------------
# Simulated failure: a post-deploy smoke check that fails. It depends on every other resource
# of the deployment, so by the time it fails the rest has been created: a real partial apply.
# ---------------------------------------------------------------------------------------------

resource "terraform_data" "post_deploy_check" {
  for_each = local.failing

  input = {
    target = each.key
    name   = each.value
  }

  provisioner "local-exec" {
    interpreter = ["/bin/sh", "-c"]
    command     = "echo \"post-deploy smoke check failed for ${each.key} in ${var.tfo_account_name}/${var.tfo_region}: simulated failure (simulate_apply_failure = true)\" >&2; exit 1"
  }

  depends_on = [
    terraform_data.s3_bucket,
    terraform_data.kms_key,
    terraform_data.iam_role,
    terraform_data.lambda_function,
  ]
}

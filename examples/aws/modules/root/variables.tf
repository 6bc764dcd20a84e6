# ---------------------------------------------------------------------------------------------
# Identity that tfo sets for every terraform run (TF_VAR_tfo_*).
# ---------------------------------------------------------------------------------------------

variable "tfo_account_name" {
  description = "Account name from the tfo config accounts map (e.g. acme-dev)."
  type        = string
  default     = "local"
}

variable "tfo_account_id" {
  description = "12-digit AWS account id of the target account."
  type        = string
  default     = "000000000000"

  validation {
    condition     = can(regex("^[0-9]{12}$", var.tfo_account_id))
    error_message = "tfo_account_id must be 12 digits."
  }
}

variable "tfo_region" {
  description = "Full region name (us-east-1), resolved by tfo from region_code."
  type        = string
  default     = "us-east-1"
}

variable "tfo_project" {
  description = "Project: the name of the folder holding the tfvars file."
  type        = string
  default     = "adhoc"
}

variable "tfo_state_key" {
  description = "State key tfo chose for this deployment."
  type        = string
  default     = ""
}

variable "tfo_role_arn" {
  description = "Role the provider assumes in the account; empty string means use the ambient credentials."
  type        = string
  default     = ""
}

variable "aws_endpoint" {
  description = "Optional single endpoint URL for every AWS service (moto, LocalStack). Empty: the provider's defaults, which honour AWS_ENDPOINT_URL."
  type        = string
  default     = ""
}

# ---------------------------------------------------------------------------------------------
# Deployment identity as written in the tfvars file.
# ---------------------------------------------------------------------------------------------

variable "account_key" {
  description = "Key of the account in the tfo config accounts map (dev, stage, prod)."
  type        = string
}

variable "region_code" {
  description = "Short region code (use1, euw1, ...)."
  type        = string
}

# ---------------------------------------------------------------------------------------------
# Services. Every map is optional; a deployment fills in the ones it owns.
# ---------------------------------------------------------------------------------------------

variable "s3_buckets" {
  description = "S3 buckets keyed by a logical name."
  type = map(object({
    bucket_name   = string
    force_destroy = optional(bool, false)
    versioning    = optional(bool, true)
    # "aws:kms" or "AES256".
    sse_algorithm = optional(string, "aws:kms")
    # Logical name of a key in kms_keys of the same file, or a literal key ARN / "alias/…".
    kms_key            = optional(string)
    bucket_key_enabled = optional(bool, true)
    block_public       = optional(bool, true)
    # Adds a statement denying every request that is not over TLS.
    enforce_tls = optional(bool, true)
    policy_statements = optional(list(object({
      sid    = string
      effect = optional(string, "Allow")
      # "*" (anyone), "AWS" (account/role ARNs) or "Service" (service principals).
      principal_type        = optional(string, "AWS")
      principal_identifiers = optional(list(string), [])
      actions               = list(string)
      # Default: the objects of this bucket.
      resources = optional(list(string))
    })), [])
    lifecycle_rules = optional(list(object({
      id                         = string
      prefix                     = optional(string, "")
      expiration_days            = optional(number)
      noncurrent_expiration_days = optional(number)
      transition_days            = optional(number)
      transition_storage_class   = optional(string, "STANDARD_IA")
      abort_multipart_days       = optional(number, 7)
    })), [])
    tags = optional(map(string), {})
  }))
  default = {}
}

variable "kms_keys" {
  description = "KMS keys keyed by a logical name."
  type = map(object({
    description              = string
    alias                    = string
    enable_key_rotation      = optional(bool, true)
    deletion_window_in_days  = optional(number, 30)
    key_usage                = optional(string, "ENCRYPT_DECRYPT")
    customer_master_key_spec = optional(string, "SYMMETRIC_DEFAULT")
    multi_region             = optional(bool, false)
    tags                     = optional(map(string), {})
  }))
  default = {}
}

variable "iam_roles" {
  description = "IAM roles keyed by role name."
  type = map(object({
    description          = optional(string, "")
    path                 = optional(string, "/")
    max_session_duration = optional(number, 3600)
    trust_services       = optional(list(string), [])
    trust_accounts       = optional(list(string), [])
    managed_policy_arns  = optional(list(string), [])
    inline_policies = optional(map(list(object({
      sid       = optional(string)
      effect    = optional(string, "Allow")
      actions   = list(string)
      resources = list(string)
    }))), {})
    tags = optional(map(string), {})
  }))
  default = {}
}

variable "sqs_queues" {
  description = "SQS queues keyed by a logical name."
  type = map(object({
    name                       = string
    fifo                       = optional(bool, false)
    visibility_timeout_seconds = optional(number, 30)
    message_retention_seconds  = optional(number, 345600)
    delay_seconds              = optional(number, 0)
    receive_wait_time_seconds  = optional(number, 0)
    # Logical name of a key in kms_keys of the same file, or a literal key ARN / "alias/…".
    # Without one the queue uses SQS-managed SSE.
    kms_key = optional(string)
    # Creates "<name>-dlq" and a redrive policy to it.
    dead_letter = optional(object({
      max_receive_count         = optional(number, 5)
      message_retention_seconds = optional(number, 1209600)
    }))
    tags = optional(map(string), {})
  }))
  default = {}
}

variable "sns_topics" {
  description = "SNS topics keyed by a logical name."
  type = map(object({
    name         = string
    display_name = optional(string, "")
    fifo         = optional(bool, false)
    # Logical name of a key in kms_keys of the same file, or a literal key ARN / "alias/…".
    kms_key = optional(string, "alias/aws/sns")
    # Logical names of queues in sqs_queues of the same file to subscribe (raw delivery).
    subscribe_queues = optional(list(string), [])
    tags             = optional(map(string), {})
  }))
  default = {}
}

variable "dynamodb_tables" {
  description = "DynamoDB tables keyed by a logical name."
  type = map(object({
    name         = string
    billing_mode = optional(string, "PAY_PER_REQUEST")
    hash_key     = string
    range_key    = optional(string)
    # Attribute name → type (S, N or B), for the keys only.
    attributes             = map(string)
    read_capacity          = optional(number)
    write_capacity         = optional(number)
    point_in_time_recovery = optional(bool, true)
    ttl_attribute          = optional(string)
    deletion_protection    = optional(bool, false)
    # Logical name of a key in kms_keys of the same file, or a literal key ARN. Empty: AWS owned key.
    kms_key = optional(string)
    global_secondary_indexes = optional(list(object({
      name            = string
      hash_key        = string
      range_key       = optional(string)
      projection_type = optional(string, "ALL")
    })), [])
    tags = optional(map(string), {})
  }))
  default = {}
}

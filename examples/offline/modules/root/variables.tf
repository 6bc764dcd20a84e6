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
  description = "State key tfo chose for this deployment ({service}/{account}/{region}/{project}/terraform.tfstate)."
  type        = string
  default     = ""
}

variable "tfo_role_arn" {
  description = "Role tfo would assume in the account; empty when the account has none."
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
    bucket_name            = string
    versioning             = optional(bool, true)
    force_destroy          = optional(bool, false)
    sse_algorithm          = optional(string, "aws:kms")
    kms_key_alias          = optional(string)
    block_public           = optional(bool, true)
    public_read            = optional(bool, false)
    lifecycle_days         = optional(number)
    noncurrent_days        = optional(number)
    tags                   = optional(map(string), {})
    simulate_apply_failure = optional(bool, false)
  }))
  default = {}
}

variable "kms_keys" {
  description = "KMS keys keyed by a logical name."
  type = map(object({
    description             = string
    alias                   = string
    enable_key_rotation     = optional(bool, true)
    deletion_window_in_days = optional(number, 30)
    key_usage               = optional(string, "ENCRYPT_DECRYPT")
    multi_region            = optional(bool, false)
    admin_principals        = optional(list(string), [])
    tags                    = optional(map(string), {})
    simulate_apply_failure  = optional(bool, false)
  }))
  default = {}
}

variable "iam_roles" {
  description = "IAM roles keyed by role name."
  type = map(object({
    description          = optional(string, "")
    trust_services       = optional(list(string), [])
    trust_accounts       = optional(list(string), [])
    managed_policy_arns  = optional(list(string), [])
    max_session_duration = optional(number, 3600)
    path                 = optional(string, "/")
    inline_policies = optional(map(object({
      actions   = list(string)
      resources = list(string)
      effect    = optional(string, "Allow")
    })), {})
    tags                   = optional(map(string), {})
    simulate_apply_failure = optional(bool, false)
  }))
  default = {}
}

variable "lambda_functions" {
  description = "Lambda functions keyed by function name."
  type = map(object({
    runtime                = string
    handler                = string
    memory_size            = optional(number, 128)
    timeout                = optional(number, 30)
    role_name              = optional(string)
    architectures          = optional(list(string), ["arm64"])
    environment            = optional(map(string), {})
    db_host                = optional(string)
    db_name                = optional(string)
    db_user                = optional(string)
    db_password            = optional(string)
    tags                   = optional(map(string), {})
    simulate_apply_failure = optional(bool, false)
  }))
  default = {}
}

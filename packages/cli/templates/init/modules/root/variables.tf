# Set by tfo for every terraform run (TF_VAR_tfo_*); the defaults let plain terraform run too.
variable "tfo_account_name" {
  type    = string
  default = "local"
}

variable "tfo_account_id" {
  type    = string
  default = "000000000000"
}

variable "tfo_region" {
  type    = string
  default = "us-east-1"
}

variable "tfo_project" {
  type    = string
  default = "adhoc"
}

# Written in each tfvars file: the account (a key of `accounts` in orchestrator.config.ts) and
# the region code (use1 = us-east-1, euw1 = eu-west-1, ...).
variable "account_key" {
  type = string
}

variable "region_code" {
  type = string
}

# One map per service; a deployment fills in the ones it owns. Its top-level keys tell tfo the
# service (s3_buckets -> s3, kms_keys -> kms, iam_roles -> iam, lambda_functions -> lambda).
variable "s3_buckets" {
  type = map(object({
    bucket_name   = string
    versioning    = optional(bool, true)
    sse_algorithm = optional(string, "aws:kms")
    block_public  = optional(bool, true)
    tags          = optional(map(string), {})
  }))
  default = {}
}

variable "kms_keys" {
  type = map(object({
    alias               = string
    description         = optional(string, "")
    enable_key_rotation = optional(bool, true)
    tags                = optional(map(string), {})
  }))
  default = {}
}

variable "iam_roles" {
  type = map(object({
    description    = optional(string, "")
    trust_services = optional(list(string), [])
    tags           = optional(map(string), {})
  }))
  default = {}
}

variable "lambda_functions" {
  type = map(object({
    runtime     = string
    handler     = optional(string, "index.handler")
    memory_size = optional(number, 128)
    tags        = optional(map(string), {})
  }))
  default = {}
}

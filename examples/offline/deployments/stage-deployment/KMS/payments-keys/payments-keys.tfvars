# Keys for the payments service (stage).
account_key = "stage"
region_code = "use1"

kms_keys = {
  "payments" = {
    description             = "Encrypts card tokens and the payments ledger in acme-stage"
    alias                   = "acme-stage-payments"
    enable_key_rotation     = true
    deletion_window_in_days = 30
    admin_principals        = ["arn:aws:iam::222222222222:role/security-admin"]
    tags = {
      Owner       = "payments@acme.example"
      Team        = "payments"
      Environment = "stage"
      CostCenter  = "CC-5100"
    }
  }
  "payments-signing" = {
    description             = "Signs payment webhooks sent by acme-stage"
    alias                   = "acme-stage-payments-signing"
    key_usage               = "SIGN_VERIFY"
    enable_key_rotation     = false
    deletion_window_in_days = 30
    tags = {
      Owner       = "payments@acme.example"
      Team        = "payments"
      Environment = "stage"
      CostCenter  = "CC-5100"
    }
  }
}

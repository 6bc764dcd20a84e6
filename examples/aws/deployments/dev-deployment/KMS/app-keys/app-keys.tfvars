# Customer-managed keys for the web app (dev).
account_key = "dev"
region_code = "use1"

kms_keys = {
  "app" = {
    description             = "Encrypts web app buckets and queues in acme-dev"
    alias                   = "acme-dev-app"
    enable_key_rotation     = true
    deletion_window_in_days = 30
    tags = {
      Owner       = "security@acme.example"
      Team        = "security"
      Environment = "dev"
      CostCenter  = "CC-1001"
    }
  }
  "secrets" = {
    description             = "Encrypts SSM parameters and Secrets Manager secrets in acme-dev"
    alias                   = "acme-dev-secrets"
    enable_key_rotation     = true
    deletion_window_in_days = 30
    tags = {
      Owner       = "security@acme.example"
      Team        = "security"
      Environment = "dev"
      CostCenter  = "CC-1001"
    }
  }
}

# Platform-wide keys (prod, Ireland).
account_key = "prod"
region_code = "euw1"

kms_keys = {
  "platform" = {
    description             = "Default key for platform data at rest in acme-prod"
    alias                   = "acme-prod-platform"
    enable_key_rotation     = true
    deletion_window_in_days = 30
    multi_region            = true
    admin_principals        = ["arn:aws:iam::333333333333:role/security-admin"]
    tags = {
      Owner       = "security@acme.example"
      Team        = "security"
      Environment = "prod"
      CostCenter  = "CC-1001"
    }
  }
}

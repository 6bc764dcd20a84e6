# The KMS service of project app-keys in the dev account, eu-west-1.
account_key = "dev"
region_code = "euw1"

kms_keys = {
  "app" = {
    alias               = "example-dev-app"
    description         = "Encrypts the app's buckets and queues"
    enable_key_rotation = true
    tags = {
      Owner       = "security@example.com"
      Team        = "security"
      Environment = "dev"
      CostCenter  = "CC-1001"
    }
  }
}

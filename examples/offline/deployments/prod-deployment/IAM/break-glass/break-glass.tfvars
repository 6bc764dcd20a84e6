# Emergency access role (prod), assumable only from the security account.
account_key = "prod"
region_code = "use1"

iam_roles = {
  "break-glass-admin" = {
    description          = "Emergency administrator access; every use pages the security on-call"
    trust_accounts       = ["555555555555"]
    max_session_duration = 3600
    managed_policy_arns  = ["arn:aws:iam::aws:policy/AdministratorAccess"]
    tags = {
      Owner       = "security@acme.example"
      Team        = "security"
      Environment = "prod"
      CostCenter  = "CC-1001"
    }
  }
}

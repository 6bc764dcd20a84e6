# Roles the CI system assumes to build and deploy (dev).
account_key = "dev"
region_code = "use1"

iam_roles = {
  "ci-deployer" = {
    description          = "Assumed by the CI runners in the tooling account to deploy to acme-dev"
    trust_accounts       = ["444444444444"]
    max_session_duration = 3600
    managed_policy_arns  = ["arn:aws:iam::aws:policy/PowerUserAccess"]
    tags = {
      Owner       = "platform@acme.example"
      Team        = "platform"
      Environment = "dev"
      CostCenter  = "CC-1000"
    }
  }
  "ci-artifact-reader" = {
    description    = "Read build artifacts from the dev assets bucket"
    trust_services = ["codebuild.amazonaws.com"]
    inline_policies = {
      "read-artifacts" = {
        actions   = ["s3:GetObject", "s3:ListBucket"]
        resources = ["arn:aws:s3:::acme-dev-app-assets-use1", "arn:aws:s3:::acme-dev-app-assets-use1/*"]
      }
    }
    tags = {
      Owner       = "platform@acme.example"
      Team        = "platform"
      Environment = "dev"
      CostCenter  = "CC-1000"
    }
  }
}

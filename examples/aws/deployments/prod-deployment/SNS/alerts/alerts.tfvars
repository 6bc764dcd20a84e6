# Operational alert topics (prod, Ireland).
account_key = "prod"
region_code = "euw1"

sns_topics = {
  "pager" = {
    name         = "acme-prod-pager"
    display_name = "Prod pager"
    tags = {
      Owner       = "sre@acme.example"
      Team        = "sre"
      Environment = "prod"
      CostCenter  = "CC-1100"
    }
  }
  "deploys" = {
    name         = "acme-prod-deploy-notifications"
    display_name = "Prod deploys"
    tags = {
      Owner       = "platform@acme.example"
      Team        = "platform"
      Environment = "prod"
      CostCenter  = "CC-1000"
    }
  }
}

# Nightly finance reports (prod, Ireland).
account_key = "prod"
region_code = "euw1"

lambda_functions = {
  "report-generator" = {
    runtime       = "java21"
    handler       = "com.acme.reports.Handler::handleRequest"
    memory_size   = 2048
    timeout       = 900
    architectures = ["x86_64"]
    db_host       = "reporting-prod.cluster-ro-c9akciq32.eu-west-1.rds.amazonaws.com"
    db_name       = "reporting"
    db_user       = "report_reader"
    db_password   = "prod-R3ports-demo-only-not-a-secret"
    environment = {
      REPORT_BUCKET = "acme-prod-finance-reports-euw1"
      TZ            = "Europe/Dublin"
    }
    tags = {
      Owner       = "finance-eng@acme.example"
      Team        = "finance-engineering"
      Environment = "prod"
      CostCenter  = "CC-6000"
    }
  }
  "report-notifier" = {
    runtime     = "nodejs20.x"
    handler     = "notify.handler"
    memory_size = 256
    timeout     = 30
    environment = {
      SLACK_CHANNEL = "#finance-reports"
    }
    tags = {
      Owner       = "finance-eng@acme.example"
      Team        = "finance-engineering"
      Environment = "prod"
      CostCenter  = "CC-6000"
    }
  }
}

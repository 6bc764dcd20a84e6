# Orders API (stage). The post-deploy smoke check of "orders-api-worker" fails
# (simulate_apply_failure = true): the apply fails AFTER the other functions of this file were
# created, a real partial apply for tfo to recover from.
account_key = "stage"
region_code = "use1"

lambda_functions = {
  "orders-api" = {
    runtime     = "python3.12"
    handler     = "app.handler"
    memory_size = 1024
    timeout     = 29
    role_name   = "orders-api-exec"
    db_host     = "orders-stage.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
    db_name     = "orders"
    db_user     = "orders_app"
    db_password = "stage-Orders-Pa55w0rd-demo-only"
    environment = {
      LOG_LEVEL = "info"
    }
    tags = {
      Owner       = "orders@acme.example"
      Team        = "orders"
      Environment = "stage"
      CostCenter  = "CC-5200"
    }
  }
  "orders-api-worker" = {
    runtime                = "python3.12"
    handler                = "worker.handler"
    memory_size            = 512
    timeout                = 300
    role_name              = "orders-api-exec"
    simulate_apply_failure = true
    environment = {
      QUEUE_NAME = "acme-stage-orders"
    }
    tags = {
      Owner       = "orders@acme.example"
      Team        = "orders"
      Environment = "stage"
      CostCenter  = "CC-5200"
    }
  }
}

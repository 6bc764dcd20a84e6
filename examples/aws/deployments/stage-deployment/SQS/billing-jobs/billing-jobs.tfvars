# Billing batch jobs (stage): a FIFO work queue and a standard retry queue, SQS-managed SSE.
account_key = "stage"
region_code = "use1"

sqs_queues = {
  "invoices" = {
    name                       = "acme-stage-invoices.fifo"
    fifo                       = true
    visibility_timeout_seconds = 300
    message_retention_seconds  = 1209600
    tags = {
      Owner       = "billing@acme.example"
      Team        = "billing"
      Environment = "stage"
      CostCenter  = "CC-5400"
    }
  }
  "retries" = {
    name                      = "acme-stage-billing-retries"
    delay_seconds             = 60
    receive_wait_time_seconds = 20
    tags = {
      Owner       = "billing@acme.example"
      Team        = "billing"
      Environment = "stage"
      CostCenter  = "CC-5400"
    }
  }
}

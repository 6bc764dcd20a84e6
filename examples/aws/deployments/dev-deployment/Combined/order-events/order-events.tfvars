# Order events fan-out (dev, Ireland): a key, a topic and the queue subscribed to it, deployed
# together. Three services in one file, so tfo gives it a combined/ state key.
account_key = "dev"
region_code = "euw1"

kms_keys = {
  "events" = {
    description             = "Encrypts order events in transit through SNS and SQS"
    alias                   = "acme-dev-order-events"
    enable_key_rotation     = true
    deletion_window_in_days = 30
    tags = {
      Owner       = "orders@acme.example"
      Team        = "orders"
      Environment = "dev"
      CostCenter  = "CC-5200"
    }
  }
}

sns_topics = {
  "order-events" = {
    name             = "acme-dev-order-events"
    display_name     = "Order events"
    kms_key          = "events"
    subscribe_queues = ["fulfilment"]
    tags = {
      Owner       = "orders@acme.example"
      Team        = "orders"
      Environment = "dev"
      CostCenter  = "CC-5200"
    }
  }
}

sqs_queues = {
  "fulfilment" = {
    name                       = "acme-dev-fulfilment"
    visibility_timeout_seconds = 120
    kms_key                    = "events"
    tags = {
      Owner       = "fulfilment@acme.example"
      Team        = "fulfilment"
      Environment = "dev"
      CostCenter  = "CC-5300"
    }
  }
}

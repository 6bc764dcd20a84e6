# Orders table (prod): provisioned capacity, PITR, deletion protection.
account_key = "prod"
region_code = "use1"

dynamodb_tables = {
  "orders" = {
    name                = "acme-prod-orders"
    billing_mode        = "PROVISIONED"
    read_capacity       = 20
    write_capacity      = 10
    hash_key            = "customer_id"
    range_key           = "order_id"
    attributes          = { customer_id = "S", order_id = "S" }
    deletion_protection = true
    tags = {
      Owner       = "orders@acme.example"
      Team        = "orders"
      Environment = "prod"
      CostCenter  = "CC-5200"
    }
  }
}

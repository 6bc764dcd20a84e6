# Web sessions store (stage, Ireland): on-demand, PITR, TTL-expired items.
account_key = "stage"
region_code = "euw1"

dynamodb_tables = {
  "sessions" = {
    name          = "acme-stage-sessions"
    hash_key      = "session_id"
    attributes    = { session_id = "S", user_id = "S" }
    ttl_attribute = "expires_at"
    global_secondary_indexes = [
      {
        name     = "by-user"
        hash_key = "user_id"
      },
    ]
    tags = {
      Owner       = "web-platform@acme.example"
      Team        = "web-platform"
      Environment = "stage"
      CostCenter  = "CC-1042"
    }
  }
}

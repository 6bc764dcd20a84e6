# A compliant on-demand table (PITR, customer KMS key, deletion protection, TTL, encrypted
# stream) and a provisioned table with read/write autoscaling targets.
resource "aws_dynamodb_table" "orders" {
  name                        = "fx-orders"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  deletion_protection_enabled = true
  stream_enabled              = true
  stream_view_type            = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "pk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  ttl {
    enabled        = true
    attribute_name = "expires_at"
  }
}

resource "aws_dynamodb_table" "metrics" {
  name                        = "fx-metrics"
  billing_mode                = "PROVISIONED"
  read_capacity               = 5
  write_capacity              = 5
  hash_key                    = "pk"
  deletion_protection_enabled = true

  attribute {
    name = "pk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }
}

resource "aws_appautoscaling_target" "metrics_read" {
  service_namespace  = "dynamodb"
  resource_id        = "table/fx-metrics"
  scalable_dimension = "dynamodb:table:ReadCapacityUnits"
  min_capacity       = 5
  max_capacity       = 100
}

resource "aws_appautoscaling_target" "metrics_write" {
  service_namespace  = "dynamodb"
  resource_id        = "table/fx-metrics"
  scalable_dimension = "dynamodb:table:WriteCapacityUnits"
  min_capacity       = 5
  max_capacity       = 100
}

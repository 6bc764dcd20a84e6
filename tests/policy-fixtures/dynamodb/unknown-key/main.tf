# The table's KMS key is created by the same plan: kms_key_arn is unknown until apply.
resource "aws_kms_key" "table" {
  description             = "fx table key"
  enable_key_rotation     = true
  deletion_window_in_days = 7
}

resource "aws_dynamodb_table" "events" {
  name                        = "fx-events"
  billing_mode                = "PAY_PER_REQUEST"
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
    kms_key_arn = aws_kms_key.table.arn
  }
}

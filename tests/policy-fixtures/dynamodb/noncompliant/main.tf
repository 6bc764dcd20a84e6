# A provisioned table without PITR, without a customer KMS key (AWS owned key), without
# deletion protection or autoscaling, replicated to a region without PITR.
resource "aws_dynamodb_table" "legacy" {
  name             = "fx-legacy"
  billing_mode     = "PROVISIONED"
  read_capacity    = 5
  write_capacity   = 5
  hash_key         = "pk"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "pk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = false
  }

  replica {
    region_name = "us-west-2"
  }
}

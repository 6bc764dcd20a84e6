# Applied with phase = "before" (two tables), then planned with phase = "after": "sessions" is
# removed (delete) and "carts" changes its hash key (replace).
variable "phase" {
  type = string
}

resource "aws_dynamodb_table" "sessions" {
  count        = var.phase == "before" ? 1 : 0
  name         = "fx-sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_dynamodb_table" "carts" {
  name         = "fx-carts"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = var.phase == "before" ? "cart_id" : "customer_id"

  attribute {
    name = var.phase == "before" ? "cart_id" : "customer_id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }
}

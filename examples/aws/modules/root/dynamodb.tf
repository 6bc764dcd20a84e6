# DynamoDB: tables with point-in-time recovery, encryption and optional TTL.

resource "aws_dynamodb_table" "this" {
  for_each = var.dynamodb_tables

  name                        = each.value.name
  billing_mode                = each.value.billing_mode
  hash_key                    = each.value.hash_key
  range_key                   = each.value.range_key
  read_capacity               = each.value.billing_mode == "PROVISIONED" ? each.value.read_capacity : null
  write_capacity              = each.value.billing_mode == "PROVISIONED" ? each.value.write_capacity : null
  deletion_protection_enabled = each.value.deletion_protection

  dynamic "attribute" {
    for_each = each.value.attributes
    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "global_secondary_index" {
    for_each = each.value.global_secondary_indexes
    content {
      name            = global_secondary_index.value.name
      hash_key        = global_secondary_index.value.hash_key
      range_key       = global_secondary_index.value.range_key
      projection_type = global_secondary_index.value.projection_type
      read_capacity   = each.value.billing_mode == "PROVISIONED" ? each.value.read_capacity : null
      write_capacity  = each.value.billing_mode == "PROVISIONED" ? each.value.write_capacity : null
    }
  }

  point_in_time_recovery {
    enabled = each.value.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = each.value.kms_key == null ? null : lookup(local.kms_key_arns, each.value.kms_key, each.value.kms_key)
  }

  dynamic "ttl" {
    for_each = each.value.ttl_attribute == null ? [] : [each.value.ttl_attribute]
    content {
      enabled        = true
      attribute_name = ttl.value
    }
  }

  tags = each.value.tags
}

# KMS: customer-managed keys and their aliases.

resource "aws_kms_key" "this" {
  for_each = var.kms_keys

  description              = each.value.description
  key_usage                = each.value.key_usage
  customer_master_key_spec = each.value.customer_master_key_spec
  # Rotation only exists for symmetric encryption keys.
  enable_key_rotation     = each.value.customer_master_key_spec == "SYMMETRIC_DEFAULT" ? each.value.enable_key_rotation : false
  deletion_window_in_days = each.value.deletion_window_in_days
  multi_region            = each.value.multi_region
  tags                    = each.value.tags
}

resource "aws_kms_alias" "this" {
  for_each = var.kms_keys

  name          = "alias/${each.value.alias}"
  target_key_id = aws_kms_key.this[each.key].key_id
}

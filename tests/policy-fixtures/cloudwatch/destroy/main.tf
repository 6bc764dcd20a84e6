# Applied with phase = "before", then planned with phase = "after": "old" is removed (delete)
# and "renamed" changes its name (replace). Both log groups are otherwise compliant.
variable "phase" {
  type = string
}

resource "aws_cloudwatch_log_group" "old" {
  count             = var.phase == "before" ? 1 : 0
  name              = "/fx/old"
  retention_in_days = 365
  kms_key_id        = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

resource "aws_cloudwatch_log_group" "renamed" {
  name              = var.phase == "before" ? "/fx/before" : "/fx/after"
  retention_in_days = 365
  kms_key_id        = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

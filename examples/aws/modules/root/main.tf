# Root module for the aws example: one deployment = one tfvars = one state. Every resource is a
# for_each over a map from the tfvars, so adding an entry adds resources and removing one
# destroys only those.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  # The account the provider is really in: with an assumed role, the role's account.
  account_id = data.aws_caller_identity.current.account_id

  # `kms_key` in an entry: a logical name of a key in this file, else a literal ARN / alias.
  kms_key_arns = { for k, key in aws_kms_key.this : k => key.arn }
}

# Insecure: a key whose policy gives kms:* to any principal with no condition, rotation off, and
# the short deletion window of the module's complete example.

module "shared_key" {
  source = "CORPUS/kms"

  description             = "estate shared key"
  deletion_window_in_days = 7
  enable_key_rotation     = false
  key_statements = [{
    sid       = "EveryoneEverything"
    actions   = ["kms:*"]
    resources = ["*"]
    principals = [{
      type        = "AWS"
      identifiers = ["*"]
    }]
  }]
  aliases = ["estate/shared"]
}

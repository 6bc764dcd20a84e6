# Mixed: two instances of a count-based bucket module. "team" buckets are configured securely
# (logging to a central bucket managed elsewhere); "legacy" buckets have no encryption
# configuration and a public access block with every flag off.

module "team" {
  source = "../modules/bucket-list"

  names      = ["estate-list-team-a", "estate-list-team-b"]
  log_bucket = "estate-central-access-logs"
}

module "legacy" {
  source = "../modules/bucket-list"

  names               = ["estate-list-legacy-a", "estate-list-legacy-b"]
  log_bucket          = "estate-central-access-logs"
  block_public_access = false
  encrypt             = false
}

# Insecure: the same for_each bucket module, with one bucket opened to the public (public access
# block flags off and an anonymous read statement) and one with versioning suspended. The third
# bucket is configured securely and must not be reported.

module "buckets" {
  source = "../modules/bucket-set"

  buckets = {
    "estate-setpub-assets"  = { public_read = true }
    "estate-setpub-scratch" = { versioning = false }
    "estate-setpub-records" = {}
  }
  log_bucket = "estate-central-access-logs"
}

# Insecure: an unencrypted topic whose policy lets anyone publish and subscribe, with an HTTP
# (not HTTPS) subscription.

module "topic" {
  source = "CORPUS/sns"

  name = "estate-public-alerts"

  create_topic_policy         = true
  enable_default_topic_policy = false
  topic_policy_statements = {
    anyone = {
      sid     = "AnyonePublishSubscribe"
      actions = ["sns:Publish", "sns:Subscribe"]
      principals = [{
        type        = "AWS"
        identifiers = ["*"]
      }]
    }
  }

  subscriptions = {
    webhook = {
      protocol = "http"
      endpoint = "http://hooks.example.com/alerts"
    }
  }
}

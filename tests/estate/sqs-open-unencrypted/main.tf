# Insecure: an unencrypted queue (SSE switched off) whose policy lets anyone send messages, with
# no dead-letter queue.

module "ingest" {
  source = "CORPUS/sqs"

  name                    = "estate-ingest"
  sqs_managed_sse_enabled = false

  create_queue_policy = true
  queue_policy_statements = {
    anyone = {
      sid     = "AnyoneSend"
      actions = ["sqs:SendMessage"]
      principals = [{
        type        = "AWS"
        identifiers = ["*"]
      }]
    }
  }
}

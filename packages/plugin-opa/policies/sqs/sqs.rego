# SQS queues: encryption (SSE-SQS or KMS, KMS when required), queue policies open to anyone,
# dead-letter queues, retention.
package tfo.rules.sqs

import data.tfo.lib

metadata := {
	"TFO-SQS-001": {
		"title": "SQS queue not encrypted at rest",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Set sqs_managed_sse_enabled = true, or kms_master_key_id to a KMS key.",
	},
	"TFO-SQS-002": {
		"title": "SQS queue not encrypted with a KMS key where KMS is required",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Set kms_master_key_id to a customer-managed KMS key (tfo_options.kms_required contains \"sqs\").",
	},
	"TFO-SQS-003": {
		"title": "SQS queue policy grants all SQS actions to anyone",
		"severity": "critical",
		"cis": null,
		"profile": "baseline",
		"remediation": "Never Allow \"sqs:*\" (or \"*\", or NotAction) to Principal \"*\", even with conditions: grant the few actions needed (e.g. sqs:SendMessage) to named principals.",
	},
	"TFO-SQS-004": {
		"title": "SQS queue policy allows anyone",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Name the principals instead of \"*\", or narrow the statement with aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID.",
	},
	"TFO-SQS-005": {
		"title": "SQS queue without a dead-letter queue",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Set redrive_policy = jsonencode({ deadLetterTargetArn = <DLQ arn>, maxReceiveCount = N }).",
	},
	"TFO-SQS-006": {
		"title": "SQS queue keeps messages for the maximum 14 days",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Lower message_retention_seconds to what consumers need (the default is 4 days); keep long retention for dead-letter queues.",
	},
}

queues := lib.configured("aws_sqs_queue")

# --- 001 / 002 encryption ---------------------------------------------------------------------

# A key is set when known, or set from a resource of this plan (e.g. an aws_kms_key's arn).
kms_key(q) if lib.present(q, "kms_master_key_id")

sse_sqs(q) if lib.get(q, "sqs_managed_sse_enabled", false) == true

# Left out of the configuration, sqs_managed_sse_enabled is unknown in the plan and AWS creates the
# queue with SSE-SQS (the default since 2022).
sse_sqs(q) if {
	lib.unknown_value(q, "sqs_managed_sse_enabled")
	not lib.configured_attr(q, "sqs_managed_sse_enabled")
}

encrypted(q) if kms_key(q)

encrypted(q) if sse_sqs(q)

# The either/or of the terraform-aws-modules/sqs shape, `sqs_managed_sse_enabled = <key> != null ?
# null : <flag>`, with a key only known at apply (through a local the plan JSON does not show): both
# are written and both unknown. A key unknown at plan time comes from something created at apply,
# so the queue gets that key, or else the flag (true unless the configuration says false).
encrypted(q) if {
	lib.set_unknown(q, "kms_master_key_id")
	lib.set_unknown(q, "sqs_managed_sse_enabled")
}

encryption_unknown(q) if lib.presence_unknown(q, "kms_master_key_id")

encryption_unknown(q) if lib.set_unknown(q, "sqs_managed_sse_enabled")

deny contains lib.finding("TFO-SQS-001", q.address, "neither kms_master_key_id nor sqs_managed_sse_enabled = true is set: messages are stored unencrypted") if {
	lib.on(metadata, "TFO-SQS-001", false)
	some q in queues
	not encrypted(q)
	not encryption_unknown(q)
}

warn contains lib.unknown_finding("TFO-SQS-001", q.address, "sqs_managed_sse_enabled") if {
	lib.on(metadata, "TFO-SQS-001", false)
	some q in queues
	not encrypted(q)
	encryption_unknown(q)
}

deny contains lib.finding("TFO-SQS-002", q.address, "kms_master_key_id is not set and tfo_options.kms_required contains \"sqs\"") if {
	lib.on(metadata, "TFO-SQS-002", false)
	lib.kms_required("sqs")
	some q in queues
	not kms_key(q)
	not lib.presence_unknown(q, "kms_master_key_id")
}

warn contains lib.unknown_finding("TFO-SQS-002", q.address, "kms_master_key_id") if {
	lib.on(metadata, "TFO-SQS-002", false)
	lib.kms_required("sqs")
	some q in queues
	lib.presence_unknown(q, "kms_master_key_id")
}

# --- 003 / 004 queue policies -----------------------------------------------------------------

# Queue policies (aws_sqs_queue_policy.policy and aws_sqs_queue.policy), known or built from an
# aws_iam_policy_document data source (values unknown until apply shown as lib.unknown_marker).
policy_docs contains [r.address, r.docs.policy] if {
	some r in lib.configured("aws_sqs_queue_policy")
	r.docs.policy
}

# An inline policy only where the configuration writes it: the provider reads a separate
# aws_sqs_queue_policy's document back into `policy` on every update.
policy_docs contains [r.address, r.docs.policy] if {
	some r in lib.configured("aws_sqs_queue")
	r.docs.policy
	lib.configured_attr(r, "policy")
}

all_actions(statement) if {
	some a in object.get(statement, "Action", [])
	lower(a) in {"*", "sqs:*"}
}

all_actions(statement) if object.get(statement, "NotAction", null) != null

deny contains lib.finding("TFO-SQS-003", address, sprintf("policy %s allows every SQS action to Principal \"*\"", [lib.statement_label_quoted(s, i)])) if {
	lib.on(metadata, "TFO-SQS-003", false)
	some [address, doc] in policy_docs
	some i, s in doc.Statement
	lib.allows_anyone(s)
	all_actions(s)
}

deny contains lib.finding("TFO-SQS-004", address, sprintf("policy %s allows Principal \"*\" with no narrowing condition", [lib.statement_label_quoted(s, i)])) if {
	lib.on(metadata, "TFO-SQS-004", false)
	some [address, doc] in policy_docs
	some i, s in doc.Statement
	lib.allows_anyone(s)
	not all_actions(s)
	lib.unnarrowed(s)
}

# A narrowed statement for anyone whose actions are unknown until apply may allow everything.
warn contains lib.unknown_finding("TFO-SQS-003", address, "policy Action") if {
	lib.on(metadata, "TFO-SQS-003", false)
	some [address, doc] in policy_docs
	some s in doc.Statement
	lib.allows_anyone(s)
	not all_actions(s)
	some a in object.get(s, "Action", [])
	lib.unknown_in_doc(a)
}

warn contains lib.unknown_finding("TFO-SQS-004", r.address, "policy") if {
	lib.on(metadata, "TFO-SQS-004", false)
	some r in lib.configured("aws_sqs_queue_policy")
	lib.doc_unknown(r, "policy")
}

# --- 005 dead-letter queue --------------------------------------------------------------------

# Queue names that another queue's known redrive policy targets.
dlq_names contains name if {
	some q in queues
	policy := json.unmarshal(lib.get(q, "redrive_policy", ""))
	parts := split(policy.deadLetterTargetArn, ":")
	name := parts[count(parts) - 1]
}

# Addresses of the queues that are dead-letter queues, decided once per evaluation (three rules ask).
dlq_addresses contains q.address if {
	some q in queues
	is_dlq(q)
}

is_dlq(q) if lib.get(q, "name", "") in dlq_names

is_dlq(q) if lib.get(q, "redrive_allow_policy", "") != ""

is_dlq(q) if q.address in redrive_allow_queues

is_dlq(q) if {
	name := trim_suffix(lib.get(q, "name", ""), ".fifo")
	some suffix in ["-dlq", "_dlq", "-deadletter", "-dead-letter"]
	endswith(lower(name), suffix)
}

# Set when known, or built from a reference to a queue of this plan (the normaliser's `set`), or
# set by a separate aws_sqs_queue_redrive_policy (terraform-aws-modules/sqs does this).
has_redrive(q) if lib.present(q, "redrive_policy")

has_redrive(q) if q.address in redrive_policy_queues

# Computed once per evaluation (rules, not function calls per queue).
redrive_policy_queues := separate_policy_queues("aws_sqs_queue_redrive_policy")

redrive_allow_queues := separate_policy_queues("aws_sqs_queue_redrive_allow_policy")

# Addresses of the queues that resources of a type (aws_sqs_queue_redrive_policy,
# aws_sqs_queue_redrive_allow_policy) configure after this plan: by the configuration's queue_url
# reference in the same module instance, or by a known queue URL.
separate_policy_queues(type) := {address |
	some r in lib.of_type(type)
	r.change in {"create", "update", "replace", "no-op"}
	some address in queue_refs(r)
} | {q.address |
	some r in lib.of_type(type)
	r.change in {"create", "update", "replace", "no-op"}
	is_string(r.after.queue_url)
	some q in queues
	q.after.url == r.after.queue_url
}

queue_refs(r) := {sprintf("%s%s", [module_dot(r), target]) |
	some ref in object.get(lib.config_of(r), ["expressions", "queue_url", "references"], [])
	parts := split(ref, ".")
	count(parts) == 2
	parts[0] == "aws_sqs_queue"
	some target in [ref, indexed(ref, r.index)]
}

# `aws_sqs_queue.x` with the referring resource's own instance key (count.index, each.key).
indexed(ref, index) := sprintf("%s[%d]", [ref, index]) if is_number(index)

else := sprintf("%s[\"%s\"]", [ref, index]) if is_string(index)

else := ref

module_dot(r) := "" if r.module == ""

else := concat("", [r.module, "."])

warn contains lib.finding("TFO-SQS-005", q.address, "redrive_policy is not set: messages that keep failing are retried until they expire") if {
	lib.on(metadata, "TFO-SQS-005", false)
	some q in queues
	not has_redrive(q)
	not q.address in dlq_addresses
	not redrive_pending(q)
}

# Configured but unknown until apply (e.g. the DLQ is created by the same plan).
redrive_pending(q) if {
	lib.presence_unknown(q, "redrive_policy")
	lib.configured_attr(q, "redrive_policy")
}

warn contains lib.unknown_finding("TFO-SQS-005", q.address, "redrive_policy") if {
	lib.on(metadata, "TFO-SQS-005", false)
	some q in queues
	not q.address in dlq_addresses
	redrive_pending(q)
}

# --- 006 maximal retention --------------------------------------------------------------------

warn contains lib.finding("TFO-SQS-006", q.address, "message_retention_seconds is the maximum (1209600, 14 days)") if {
	lib.on(metadata, "TFO-SQS-006", false)
	some q in queues
	lib.get(q, "message_retention_seconds", 0) >= 1209600
	not q.address in dlq_addresses
}

warn contains lib.unknown_finding("TFO-SQS-004", address, "policy Condition") if {
	lib.on(metadata, "TFO-SQS-004", false)
	some [address, doc] in policy_docs
	some s in doc.Statement
	lib.allows_anyone(s)
	not all_actions(s)
	lib.narrowing_unknown(s)
}

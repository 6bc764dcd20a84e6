# SNS topics: encryption at rest, topic policies open to anyone, plain-http subscriptions,
# delivery status logging, FIFO deduplication.
package tfo.rules.sns

import data.tfo.lib

metadata := {
	"TFO-SNS-001": {
		"title": "SNS topic not encrypted at rest",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Set kms_master_key_id on the aws_sns_topic (a customer KMS key, or alias/aws/sns).",
	},
	"TFO-SNS-002": {
		"title": "SNS topic policy allows anyone",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Name the principals (accounts, roles, services) instead of \"*\", or narrow the statement with a condition such as aws:SourceAccount, aws:SourceArn or aws:PrincipalOrgID.",
	},
	"TFO-SNS-003": {
		"title": "SNS topic policy lets anyone publish or subscribe",
		"severity": "critical",
		"cis": null,
		"profile": "baseline",
		"remediation": "Remove sns:Publish / sns:Subscribe (and wildcards) for Principal \"*\", or narrow the statement with aws:SourceAccount, aws:SourceArn or aws:PrincipalOrgID.",
	},
	"TFO-SNS-004": {
		"title": "SNS subscription over plain HTTP",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Use protocol = \"https\" with an https:// endpoint.",
	},
	"TFO-SNS-005": {
		"title": "SNS topic without delivery status logging",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Set a <protocol>_failure_feedback_role_arn (and optionally success feedback) for the protocols the topic delivers to.",
	},
	"TFO-SNS-006": {
		"title": "FIFO SNS topic without content-based deduplication",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Set content_based_deduplication = true, or make sure every publisher sends a MessageDeduplicationId.",
	},
	"TFO-SNS-007": {
		"title": "SNS topic not encrypted with a customer-managed KMS key",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Set kms_master_key_id to a customer-managed key (not alias/aws/sns). Applies when tfo_options.kms_required contains \"sns\".",
	},
}

topics := lib.configured("aws_sns_topic")

# --- 001 / 007 encryption ---------------------------------------------------------------------

key_id(t) := k if {
	k := lib.get(t, "kms_master_key_id", "")
	k != ""
}

# Set when known, or set from a resource of this plan (e.g. an aws_kms_key's arn).
deny contains lib.finding("TFO-SNS-001", t.address, "kms_master_key_id is not set: the topic is not encrypted at rest") if {
	lib.on(metadata, "TFO-SNS-001", false)
	some t in topics
	not lib.present(t, "kms_master_key_id")
	not lib.presence_unknown(t, "kms_master_key_id")
}

warn contains lib.unknown_finding("TFO-SNS-001", t.address, "kms_master_key_id") if {
	lib.on(metadata, "TFO-SNS-001", false)
	some t in topics
	lib.presence_unknown(t, "kms_master_key_id")
}

aws_managed_key(k) if lower(k) == "alias/aws/sns"

aws_managed_key(k) if endswith(lower(k), ":alias/aws/sns")

deny contains lib.finding("TFO-SNS-007", t.address, "kms_master_key_id is the AWS managed key alias/aws/sns, not a customer-managed key") if {
	lib.on(metadata, "TFO-SNS-007", false)
	lib.kms_required("sns")
	some t in topics
	aws_managed_key(key_id(t))
}

# --- 002 / 003 topic policies -----------------------------------------------------------------

# Topic policies: aws_sns_topic_policy.policy and aws_sns_topic.policy, known or built from an
# aws_iam_policy_document data source (values unknown until apply shown as lib.unknown_marker).
policy_docs contains [r.address, r.docs.policy] if {
	some r in lib.configured("aws_sns_topic_policy")
	r.docs.policy
}

# An inline policy only where the configuration writes it: the provider reads a separate
# aws_sns_topic_policy's document back into `policy` on every update.
policy_docs contains [r.address, r.docs.policy] if {
	some r in lib.configured("aws_sns_topic")
	r.docs.policy
	lib.configured_attr(r, "policy")
}

actions(statement) := [lower(a) | some a in object.get(statement, "Action", [])]

publish_or_subscribe(statement) if {
	some a in actions(statement)
	a in {"*", "sns:*", "sns:publish", "sns:subscribe"}
}

# NotAction with Allow grants everything but the listed actions.
publish_or_subscribe(statement) if {
	object.get(statement, "NotAction", null) != null
}

open_statements contains [address, i, s] if {
	some [address, doc] in policy_docs
	some i, s in doc.Statement
	lib.allows_anyone(s)
	lib.unnarrowed(s)
}

deny contains lib.finding("TFO-SNS-002", address, sprintf("policy %s allows Principal \"*\" with no narrowing condition", [lib.statement_label_quoted(s, i)])) if {
	lib.on(metadata, "TFO-SNS-002", false)
	some [address, i, s] in open_statements
	not publish_or_subscribe(s)
}

deny contains lib.finding("TFO-SNS-003", address, sprintf("policy %s lets anyone publish to or subscribe to the topic", [lib.statement_label_quoted(s, i)])) if {
	lib.on(metadata, "TFO-SNS-003", false)
	some [address, i, s] in open_statements
	publish_or_subscribe(s)
}

# --- 004 plain http subscriptions -------------------------------------------------------------

deny contains lib.finding("TFO-SNS-004", s.address, "protocol is http: notifications travel unencrypted (the endpoint is not shown)") if {
	lib.on(metadata, "TFO-SNS-004", false)
	some s in lib.configured("aws_sns_topic_subscription")
	lower(lib.get(s, "protocol", "")) == "http"
}

# --- 005 delivery status logging --------------------------------------------------------------

feedback_protocols := ["application", "firehose", "http", "lambda", "sqs"]

has_feedback(t) if {
	some p in feedback_protocols
	some kind in ["failure", "success"]
	lib.present(t, sprintf("%s_%s_feedback_role_arn", [p, kind]))
}

has_feedback(t) if {
	some p in feedback_protocols
	some kind in ["failure", "success"]
	lib.unknown_value(t, sprintf("%s_%s_feedback_role_arn", [p, kind]))
}

warn contains lib.finding("TFO-SNS-005", t.address, "no <protocol>_failure_feedback_role_arn or success feedback role is set: deliveries are not logged") if {
	lib.on(metadata, "TFO-SNS-005", false)
	some t in topics
	not has_feedback(t)
}

# --- 006 FIFO deduplication -------------------------------------------------------------------

warn contains lib.finding("TFO-SNS-006", t.address, "fifo_topic is true and content_based_deduplication is not") if {
	lib.on(metadata, "TFO-SNS-006", false)
	some t in topics
	lib.get(t, "fifo_topic", false) == true
	lib.get(t, "content_based_deduplication", false) != true
	not lib.unknown_value(t, "content_based_deduplication")
}

warn contains lib.unknown_finding("TFO-SNS-002", r.address, "policy") if {
	lib.on(metadata, "TFO-SNS-002", false)
	some r in lib.configured("aws_sns_topic_policy")
	lib.doc_unknown(r, "policy")
}

# Open to anyone, with conditions unknown until apply: whether they narrow cannot be told yet.
unknown_open_statements contains [address, s] if {
	some [address, doc] in policy_docs
	some s in doc.Statement
	lib.allows_anyone(s)
	lib.narrowing_unknown(s)
}

warn contains lib.unknown_finding("TFO-SNS-003", address, "policy Condition") if {
	lib.on(metadata, "TFO-SNS-003", false)
	some [address, s] in unknown_open_statements
	publish_or_subscribe(s)
}

warn contains lib.unknown_finding("TFO-SNS-002", address, "policy Condition") if {
	lib.on(metadata, "TFO-SNS-002", false)
	some [address, s] in unknown_open_statements
	not publish_or_subscribe(s)
}

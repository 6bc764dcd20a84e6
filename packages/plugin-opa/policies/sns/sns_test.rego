package tfo.rules.sns_test

import data.tfo.rules.sns

denied(id, fixture) := {f.resource | some f in sns.deny with input as fixture; f.id == id}

warned(id, fixture) := {f.resource | some f in sns.warn with input as fixture; f.id == id; not f.unknown}

unknown(id, fixture) := {f.resource | some f in sns.warn with input as fixture; f.id == id; f.unknown}

test_compliant_has_no_findings if {
	count(sns.deny) == 0 with input as data.testdata.sns.compliant
	count(sns.warn) == 0 with input as data.testdata.sns.compliant
}

test_001_unencrypted_topic if {
	denied("TFO-SNS-001", data.testdata.sns.noncompliant) == {"aws_sns_topic.public"}
}

# A topic whose kms_master_key_id is unknown until apply and not traced to a resource of this plan
# (a local, a data source): undecided. Listed in `set`, it is present.
topic_key_unknown(set_paths) := {"resources": [{
	"address": "aws_sns_topic.t", "module": "", "type": "aws_sns_topic", "name": "t", "mode": "managed",
	"index": null, "config_address": "aws_sns_topic.t", "configures": true, "change": "create",
	"after": {"name": "t"}, "unknown": ["kms_master_key_id"], "set": set_paths,
}]}

test_001_unknown_key if {
	unknown("TFO-SNS-001", topic_key_unknown([])) == {"aws_sns_topic.t"}
	count(denied("TFO-SNS-001", topic_key_unknown([]))) == 0
	count(unknown("TFO-SNS-001", topic_key_unknown(["kms_master_key_id"])) | denied("TFO-SNS-001", topic_key_unknown(["kms_master_key_id"]))) == 0
}

# The unknown fixture: events takes kms_master_key_id from aws_kms_key.topic of the same plan (in
# `set`): encrypted.
test_001_key_created_by_the_same_plan if {
	some t in data.testdata.sns.unknown.resources
	t.address == "aws_sns_topic.events"
	"kms_master_key_id" in t.set
	count(unknown("TFO-SNS-001", data.testdata.sns.unknown)) == 0
	count(denied("TFO-SNS-001", data.testdata.sns.unknown)) == 0
}

test_001_encrypted_topics if {
	count(denied("TFO-SNS-001", data.testdata.sns.compliant)) == 0
}

test_002_open_read_statement if {
	denied("TFO-SNS-002", data.testdata.sns.noncompliant) == {"aws_sns_topic_policy.public"}
	some f in sns.deny with input as data.testdata.sns.noncompliant
	f.id == "TFO-SNS-002"
	contains(f.message, "AnyoneReads")
}

test_002_narrowed_and_deny_statements_pass if {
	count(denied("TFO-SNS-002", data.testdata.sns.compliant)) == 0
}

test_002_unknown_policy if {
	unknown("TFO-SNS-002", data.testdata.sns.unknown) == {"aws_sns_topic_policy.events"}
}

test_003_anyone_publishes_or_subscribes if {
	denied("TFO-SNS-003", data.testdata.sns.noncompliant) == {"aws_sns_topic_policy.public", "aws_sns_topic.public"}
}

test_003_not_when_narrowed if {
	count(denied("TFO-SNS-003", data.testdata.sns.compliant)) == 0
}

test_004_http_subscription if {
	denied("TFO-SNS-004", data.testdata.sns.noncompliant) == {"aws_sns_topic_subscription.webhook"}
}

test_004_https_subscription if {
	count(denied("TFO-SNS-004", data.testdata.sns.compliant)) == 0
}

test_004_message_does_not_echo_endpoint if {
	findings := sns.deny with input as data.testdata.sns.noncompliant
	every f in findings {
		not contains(f.message, "hooks.example.com")
	}
}

test_005_no_delivery_logging if {
	warned("TFO-SNS-005", data.testdata.sns.noncompliant) == {"aws_sns_topic.public", "aws_sns_topic.jobs"}
}

test_005_delivery_logging if {
	count(warned("TFO-SNS-005", data.testdata.sns.compliant)) == 0
	count(warned("TFO-SNS-005", data.testdata.sns.unknown)) == 0
}

test_006_fifo_without_dedup if {
	warned("TFO-SNS-006", data.testdata.sns.noncompliant) == {"aws_sns_topic.jobs"}
}

test_006_fifo_with_dedup if {
	count(warned("TFO-SNS-006", data.testdata.sns.compliant)) == 0
}

test_007_aws_managed_key_when_kms_required if {
	d := denied("TFO-SNS-007", data.testdata.sns.noncompliant) with data.tfo_options as {"kms_required": ["sns"]}
	d == {"aws_sns_topic.jobs"}
}

test_007_aws_managed_key_allowed_by_default if {
	count(denied("TFO-SNS-007", data.testdata.sns.noncompliant)) == 0
}

test_007_customer_key if {
	d := denied("TFO-SNS-007", data.testdata.sns.compliant) with data.tfo_options as {"kms_required": ["sns"]}
	d == {"aws_sns_topic.orders"}
	count(denied("TFO-SNS-007", data.testdata.sns.compliant)) == 0
}

test_aws_managed_key_arn_form if {
	sns.aws_managed_key("arn:aws:kms:us-east-1:123456789012:alias/aws/sns")
	not sns.aws_managed_key("arn:aws:kms:us-east-1:123456789012:key/1234")
}

test_every_finding_has_metadata if {
	every fixture in [data.testdata.sns.noncompliant, data.testdata.sns.unknown] {
		findings := sns.deny | sns.warn with input as fixture with data.tfo_options as {"kms_required": ["sns"]}
		every f in findings {
			sns.metadata[f.id]
		}
	}
}

# ---------------------------------------------------------------- profiles, presence, documents from data sources

test_profiles if {
	every _, m in sns.metadata {
		m.profile in {"baseline", "strict"}
	}
	sns.metadata["TFO-SNS-005"].profile == "strict"
	sns.metadata["TFO-SNS-006"].profile == "strict"
	sns.metadata["TFO-SNS-001"].profile == "baseline"
	sns.metadata["TFO-SNS-003"].profile == "baseline"
}

# A key set from a resource of this plan (the normaliser's `set`) is set: no unknown warning.
test_001_key_of_this_plan_is_set if {
	some i, t in data.testdata.sns.unknown.resources
	t.address == "aws_sns_topic.events"
	inp := json.patch(data.testdata.sns.unknown, [{"op": "add", "path": sprintf("/resources/%d/set", [i]), "value": ["kms_master_key_id", "sqs_failure_feedback_role_arn"]}])
	count(unknown("TFO-SNS-001", inp)) == 0
	count(denied("TFO-SNS-001", inp)) == 0
	count(warned("TFO-SNS-005", inp)) == 0
}

# The unknown fixture with aws_sns_topic_policy.events built from a data source.
policy_from_source(doc) := json.patch(data.testdata.sns.unknown, [
	{"op": "add", "path": sprintf("/resources/%d/docs_from", [i]), "value": {"policy": "data.aws_iam_policy_document.events"}},
	{"op": "add", "path": sprintf("/resources/%d/docs/policy", [i]), "value": doc},
]) if {
	some i, r in data.testdata.sns.unknown.resources
	r.address == "aws_sns_topic_policy.events"
}

# terraform-aws-modules/sns's default statement: the topic's owner actions to AWS "*" narrowed by
# AWS:SourceAccount (the condition key in its own case).
test_module_default_topic_policy_passes if {
	owner := {"Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["sns:Subscribe", "sns:Publish", "sns:SetTopicAttributes"], "Resource": ["(known after apply)"], "Condition": {"StringEquals": {"AWS:SourceAccount": ["123456789012"]}}}
	inp := policy_from_source({"Statement": [owner]})
	count(unknown("TFO-SNS-002", inp)) == 0
	count(denied("TFO-SNS-002", inp) | denied("TFO-SNS-003", inp)) == 0
	open := object.remove(owner, ["Condition"])
	denied("TFO-SNS-003", policy_from_source({"Statement": [open]})) == {"aws_sns_topic_policy.events"}
}

# A topic's `policy` read back from a separate aws_sns_topic_policy (not written inline): checked
# on the aws_sns_topic_policy only.
test_003_read_back_inline_policy_not_checked_twice if {
	some j, c in data.testdata.sns.noncompliant.plan.configuration.root_module.resources
	c.address == "aws_sns_topic.public"
	some k, r in data.testdata.sns.noncompliant.resources
	r.address == "aws_sns_topic.public"
	inp := json.patch(data.testdata.sns.noncompliant, [
		{"op": "remove", "path": sprintf("/plan/configuration/root_module/resources/%d/expressions/policy", [j])},
		{"op": "replace", "path": sprintf("/resources/%d/written", [k]), "value": [w | some w in r.written; w != "policy"]},
	])
	not "aws_sns_topic.public" in denied("TFO-SNS-003", inp)
	"aws_sns_topic.public" in denied("TFO-SNS-003", data.testdata.sns.noncompliant)
}

# The terraform-aws-modules/sns complete example: Subscribe for AWS "*" narrowed by sns:Endpoint,
# built from a data source whose condition blocks are unknown until apply: unknown, never a deny.
test_003_unknown_condition_warns_not_denies if {
	s := {"Sid": "sub", "Effect": "Allow", "Action": ["sns:Subscribe"], "Resource": ["(known after apply)"], "Principal": {"AWS": ["*"]}, "Condition": "(known after apply)"}
	r := {"address": "aws_sns_topic_policy.p", "type": "aws_sns_topic_policy", "configures": true, "after": {}, "unknown": ["policy"], "docs": {"policy": {"Statement": [s]}}, "docs_from": {"policy": "data.aws_iam_policy_document.p"}}
	inp := {"resources": [r]}
	count([f | some f in sns.deny with input as inp; f.id == "TFO-SNS-003"]) == 0
	[f] := [f | some f in sns.warn with input as inp; f.id == "TFO-SNS-003"]
	f.unknown
}

package tfo.rules.sqs_test

import data.tfo.rules.sqs

denied(id, fixture) := {f.resource | some f in sqs.deny with input as fixture; f.id == id}

warned(id, fixture) := {f.resource | some f in sqs.warn with input as fixture; f.id == id; not f.unknown}

unknown(id, fixture) := {f.resource | some f in sqs.warn with input as fixture; f.id == id; f.unknown}

kms := {"kms_required": ["s3", "sqs"]}

test_compliant_has_no_findings if {
	count(sqs.deny) == 0 with input as data.testdata.sqs.compliant
	count(sqs.warn) == 0 with input as data.testdata.sqs.compliant
}

test_001_sse_disabled if {
	denied("TFO-SQS-001", data.testdata.sqs.noncompliant) == {"aws_sqs_queue.open"}
}

# Left out of the configuration, SSE-SQS is AWS's default for new queues: neither a finding nor unknown.
test_001_sse_left_to_provider_is_aws_default if {
	not "aws_sqs_queue.defaults" in unknown("TFO-SQS-001", data.testdata.sqs.noncompliant)
	not "aws_sqs_queue.defaults" in denied("TFO-SQS-001", data.testdata.sqs.noncompliant)
}

# Written in the configuration but unknown until apply: undecided.
test_001_sse_configured_unknown_warns if {
	some i, q in data.testdata.sqs.noncompliant.resources
	q.address == "aws_sqs_queue.defaults"
	inp := json.patch(data.testdata.sqs.noncompliant, [
		{"op": "add", "path": "/plan/configuration/root_module/resources/-", "value": {"address": "aws_sqs_queue.defaults", "mode": "managed", "expressions": {"sqs_managed_sse_enabled": {"references": ["aws_ssm_parameter.x.value"]}}}},
		{"op": "add", "path": sprintf("/resources/%d/written/-", [i]), "value": "sqs_managed_sse_enabled"},
	])
	unknown("TFO-SQS-001", inp) == {"aws_sqs_queue.defaults"}
}

test_001_encrypted if {
	count(denied("TFO-SQS-001", data.testdata.sqs.compliant)) == 0
}

test_002_sse_sqs_when_kms_required if {
	d := denied("TFO-SQS-002", data.testdata.sqs.compliant) with data.tfo_options as kms
	d == {"aws_sqs_queue.managed", "aws_sqs_queue.work_dlq"}
}

test_002_not_required_by_default if {
	count(denied("TFO-SQS-002", data.testdata.sqs.compliant)) == 0
}

# A queue of this plan, hand-made: `after` as given, `unknown` paths not known to be set.
plain_queue(after, unknown_paths) := {"address": "aws_sqs_queue.q", "module": "", "type": "aws_sqs_queue", "name": "q", "mode": "managed", "index": null, "config_address": "aws_sqs_queue.q", "configures": true, "change": "create", "after": after, "unknown": unknown_paths, "set": []}

# A key unknown until apply that the normaliser cannot trace to a resource of this plan (a local,
# a data source): undecided, neither a pass nor a deny.
test_002_unknown_key if {
	inp := {"resources": [plain_queue({"name": "q", "sqs_managed_sse_enabled": true}, ["kms_master_key_id"])]}
	u := unknown("TFO-SQS-002", inp) with data.tfo_options as kms
	u == {"aws_sqs_queue.q"}
	d := denied("TFO-SQS-002", inp) with data.tfo_options as kms
	count(d) == 0
}

# The unknown fixture: jobs takes kms_master_key_id from aws_kms_key.queue.arn of the same plan
# (the normaliser lists it in `set`): a customer-managed key, neither unknown nor denied (the DLQ,
# SSE-SQS only, is).
test_002_key_created_by_the_same_plan if {
	some q in data.testdata.sqs.unknown.resources
	q.address == "aws_sqs_queue.jobs"
	"kms_master_key_id" in q.set
	u := unknown("TFO-SQS-002", data.testdata.sqs.unknown) with data.tfo_options as kms
	count(u) == 0
	d := denied("TFO-SQS-002", data.testdata.sqs.unknown) with data.tfo_options as kms
	d == {"aws_sqs_queue.dlq"}
}

test_003_everything_to_anyone if {
	denied("TFO-SQS-003", data.testdata.sqs.noncompliant) == {"aws_sqs_queue_policy.open"}
}

test_003_single_action_narrowed if {
	count(denied("TFO-SQS-003", data.testdata.sqs.compliant)) == 0
}

test_003_not_action_counts_as_everything if {
	sqs.all_actions({"Effect": "Allow", "Principal": "*", "NotAction": ["sqs:DeleteQueue"]})
}

test_004_anyone_sends if {
	denied("TFO-SQS-004", data.testdata.sqs.noncompliant) == {"aws_sqs_queue.open"}
}

test_004_narrowed_by_source_arn if {
	count(denied("TFO-SQS-004", data.testdata.sqs.compliant)) == 0
}

test_004_unknown_policy if {
	unknown("TFO-SQS-004", data.testdata.sqs.unknown) == {"aws_sqs_queue_policy.jobs"}
}

test_005_no_dlq if {
	warned("TFO-SQS-005", data.testdata.sqs.noncompliant) == {"aws_sqs_queue.open", "aws_sqs_queue.defaults"}
}

# The unknown fixture: jobs' redrive_policy references aws_sqs_queue.dlq.arn of the same plan (in
# `set`): it has a dead-letter queue; fx-jobs-dlq is one.
test_005_dlq_created_by_the_same_plan if {
	some q in data.testdata.sqs.unknown.resources
	q.address == "aws_sqs_queue.jobs"
	"redrive_policy" in q.set
	count(unknown("TFO-SQS-005", data.testdata.sqs.unknown)) == 0
	count(warned("TFO-SQS-005", data.testdata.sqs.unknown)) == 0
}

# A redrive_policy written in the configuration but unknown until apply from something the
# normaliser cannot trace (here a local): undecided, not reported as missing.
redrive_from_local(set_paths) := {
	"resources": [object.union(plain_queue({"name": "q"}, ["redrive_policy"]), {"set": set_paths})],
	"plan": {"configuration": {"root_module": {"resources": [{"address": "aws_sqs_queue.q", "mode": "managed", "expressions": {"redrive_policy": {"references": ["local.redrive"]}}}]}}},
}

test_005_unknown_redrive_policy if {
	unknown("TFO-SQS-005", redrive_from_local([])) == {"aws_sqs_queue.q"}
	count(warned("TFO-SQS-005", redrive_from_local([]))) == 0
	count(unknown("TFO-SQS-005", redrive_from_local(["redrive_policy"])) | warned("TFO-SQS-005", redrive_from_local(["redrive_policy"]))) == 0
}

test_005_redrive_set_and_dlqs_exempt if {
	count(warned("TFO-SQS-005", data.testdata.sqs.compliant)) == 0
}

test_006_max_retention if {
	warned("TFO-SQS-006", data.testdata.sqs.noncompliant) == {"aws_sqs_queue.open"}
}

test_006_dlq_may_keep_14_days if {
	count(warned("TFO-SQS-006", data.testdata.sqs.compliant)) == 0
}

test_every_finding_has_metadata if {
	every fixture in [data.testdata.sqs.noncompliant, data.testdata.sqs.unknown, data.testdata.sqs.compliant] {
		findings := sqs.deny | sqs.warn with input as fixture with data.tfo_options as kms
		every f in findings {
			sqs.metadata[f.id]
		}
	}
}

# ---------------------------------------------------------------- profiles, presence, documents from data sources

test_profiles if {
	every _, m in sqs.metadata {
		m.profile in {"baseline", "strict"}
	}
	sqs.metadata["TFO-SQS-005"].profile == "strict"
	sqs.metadata["TFO-SQS-006"].profile == "strict"
	sqs.metadata["TFO-SQS-001"].profile == "baseline"
	sqs.metadata["TFO-SQS-004"].profile == "baseline"
}

# The unknown fixture with other `set` paths on aws_sqs_queue.jobs (`jobs_set([])`: as if the
# normaliser could not trace the key and the DLQ to resources of this plan).
jobs_set(paths) := json.patch(data.testdata.sqs.unknown, [{"op": "add", "path": sprintf("/resources/%d/set", [i]), "value": paths}]) if {
	some i, q in data.testdata.sqs.unknown.resources
	q.address == "aws_sqs_queue.jobs"
}

# The key and the DLQ of this plan are set (no finding on jobs); untraced, both are unknown.
test_key_and_dlq_of_this_plan_are_set if {
	findings := sqs.deny | sqs.warn with input as data.testdata.sqs.unknown with data.tfo_options as kms
	{f.id | some f in findings; f.resource == "aws_sqs_queue.jobs"} == set()
	unset := sqs.warn with input as jobs_set([]) with data.tfo_options as kms
	{f.id | some f in unset; f.resource == "aws_sqs_queue.jobs"} == {"TFO-SQS-002", "TFO-SQS-005"}
}

# The unknown fixture with aws_sqs_queue_policy.jobs built from a data source.
policy_from_source(doc) := json.patch(data.testdata.sqs.unknown, [
	{"op": "add", "path": sprintf("/resources/%d/docs_from", [i]), "value": {"policy": "data.aws_iam_policy_document.jobs"}},
	{"op": "add", "path": sprintf("/resources/%d/docs/policy", [i]), "value": doc},
]) if {
	some i, r in data.testdata.sqs.unknown.resources
	r.address == "aws_sqs_queue_policy.jobs"
}

test_policy_from_data_source_evaluated if {
	from_topic := {"Statement": [{"Effect": "Allow", "Principal": {"Service": ["sns.amazonaws.com"]}, "Action": ["sqs:SendMessage"], "Resource": ["(known after apply)"], "Condition": {"ArnEquals": {"aws:SourceArn": "(known after apply)"}}}]}
	count(unknown("TFO-SQS-004", policy_from_source(from_topic))) == 0
	count(denied("TFO-SQS-004", policy_from_source(from_topic))) == 0
	anyone := {"Statement": [{"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": ["sqs:SendMessage"], "Resource": ["(known after apply)"]}]}
	denied("TFO-SQS-004", policy_from_source(anyone)) == {"aws_sqs_queue_policy.jobs"}
	everything := {"Statement": [{"Sid": "All", "Effect": "Allow", "Principal": "*", "Action": ["sqs:*"], "Resource": ["(known after apply)"], "Condition": {"ArnEquals": {"aws:SourceArn": "(known after apply)"}}}]}
	denied("TFO-SQS-003", policy_from_source(everything)) == {"aws_sqs_queue_policy.jobs"}
}

test_003_unknown_action_warns if {
	doc := {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["(known after apply)"], "Resource": ["(known after apply)"], "Condition": {"ArnEquals": {"aws:SourceArn": "(known after apply)"}}}]}
	unknown("TFO-SQS-003", policy_from_source(doc)) == {"aws_sqs_queue_policy.jobs"}
	count(denied("TFO-SQS-003", policy_from_source(doc))) == 0
}

# terraform-aws-modules/sqs: redrive and redrive-allow policies as separate resources.
queue(address, after) := {"address": address, "module": "module.q", "type": "aws_sqs_queue", "name": split(address, ".")[2], "mode": "managed", "index": 0, "config_address": "x", "configures": true, "change": "create", "after": after, "unknown": ["redrive_policy", "url"]}

separate(type, name) := {"address": sprintf("module.q.%s.%s[0]", [type, name]), "module": "module.q", "type": type, "name": name, "mode": "managed", "index": 0, "config_address": sprintf("module.q.%s.%s", [type, name]), "configures": true, "change": "create", "after": {}, "unknown": ["queue_url"]}

module_queues(resources, refs) := {"resources": resources, "plan": {"configuration": {"root_module": {"module_calls": {"q": {"module": {"resources": [
	{"address": "aws_sqs_queue_redrive_policy.this", "mode": "managed", "expressions": {"queue_url": {"references": refs}}},
	{"address": "aws_sqs_queue_redrive_allow_policy.dlq", "mode": "managed", "expressions": {"queue_url": {"references": ["aws_sqs_queue.dead[0].url", "aws_sqs_queue.dead[0]", "aws_sqs_queue.dead"]}}},
]}}}}}}}

test_005_separate_redrive_policy_resources if {
	main := queue("module.q.aws_sqs_queue.this[0]", {"name": "orders", "sqs_managed_sse_enabled": true})
	dead := queue("module.q.aws_sqs_queue.dead[0]", {"name": "orders-dead", "sqs_managed_sse_enabled": true})
	resources := [main, dead, separate("aws_sqs_queue_redrive_policy", "this"), separate("aws_sqs_queue_redrive_allow_policy", "dlq")]

	# a literal index in the reference, and count.index (the reference without an index)
	every refs in [["aws_sqs_queue.this[0].url", "aws_sqs_queue.this[0]", "aws_sqs_queue.this"], ["aws_sqs_queue.this"]] {
		count(warned("TFO-SQS-005", module_queues(resources, refs))) == 0
	}
	warned("TFO-SQS-005", module_queues([main, dead], [])) == {"module.q.aws_sqs_queue.this[0]", "module.q.aws_sqs_queue.dead[0]"}
	warned("TFO-SQS-005", module_queues([main, dead, separate("aws_sqs_queue_redrive_allow_policy", "dlq")], [])) == {"module.q.aws_sqs_queue.this[0]"}
}

# A queue's `policy` read back from a separate aws_sqs_queue_policy (not written inline): checked
# on the aws_sqs_queue_policy only.
test_004_read_back_inline_policy_not_checked_twice if {
	some j, c in data.testdata.sqs.noncompliant.plan.configuration.root_module.resources
	c.address == "aws_sqs_queue.open"
	some k, r in data.testdata.sqs.noncompliant.resources
	r.address == "aws_sqs_queue.open"
	inp := json.patch(data.testdata.sqs.noncompliant, [
		{"op": "remove", "path": sprintf("/plan/configuration/root_module/resources/%d/expressions/policy", [j])},
		{"op": "replace", "path": sprintf("/resources/%d/written", [k]), "value": [w | some w in r.written; w != "policy"]},
	])
	not "aws_sqs_queue.open" in denied("TFO-SQS-004", inp)
	"aws_sqs_queue.open" in denied("TFO-SQS-004", data.testdata.sqs.noncompliant)
}

test_001_key_or_flag_both_unknown_is_encrypted if {
	queue := {"address": "module.q.aws_sqs_queue.dlq[0]", "type": "aws_sqs_queue", "name": "dlq", "config_address": "module.q.aws_sqs_queue.dlq", "configures": true, "after": {"name": "q-dlq"}, "unknown": ["kms_master_key_id", "sqs_managed_sse_enabled"], "set": []}
	plan := {"configuration": {"root_module": {"module_calls": {"q": {"module": {"resources": [{"address": "aws_sqs_queue.dlq", "mode": "managed", "expressions": {"kms_master_key_id": {"references": ["local.dlq_kms_master_key_id"]}, "sqs_managed_sse_enabled": {"references": ["local.dlq_kms_master_key_id", "local.dlq_sqs_managed_sse_enabled"]}}}]}}}}}}
	inp := {"resources": [object.union(queue, {"mode": "managed"})], "plan": plan}
	count([f | some f in sqs.warn with input as inp; f.id == "TFO-SQS-001"]) == 0
	count([f | some f in sqs.deny with input as inp; f.id == "TFO-SQS-001"]) == 0

	# only the flag unknown (no key written): still unknown
	flag_only := object.union(queue, {"mode": "managed", "unknown": ["sqs_managed_sse_enabled"]})
	count([f | some f in sqs.warn with input as {"resources": [flag_only], "plan": plan}; f.id == "TFO-SQS-001"; f.unknown]) == 1
}

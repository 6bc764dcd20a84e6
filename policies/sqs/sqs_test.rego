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

test_001_sse_left_to_provider_is_unknown if {
	unknown("TFO-SQS-001", data.testdata.sqs.noncompliant) == {"aws_sqs_queue.defaults"}
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

test_002_unknown_key if {
	u := unknown("TFO-SQS-002", data.testdata.sqs.unknown) with data.tfo_options as kms
	u == {"aws_sqs_queue.jobs"}
	d := denied("TFO-SQS-002", data.testdata.sqs.unknown) with data.tfo_options as kms
	not "aws_sqs_queue.jobs" in d
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

test_005_dlq_created_by_the_same_plan if {
	unknown("TFO-SQS-005", data.testdata.sqs.unknown) == {"aws_sqs_queue.jobs"}
	count(warned("TFO-SQS-005", data.testdata.sqs.unknown)) == 0
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

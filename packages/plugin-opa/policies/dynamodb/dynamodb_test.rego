package tfo.rules.dynamodb_test

import data.tfo.rules.dynamodb

# Findings of one rule, as [resource, unknown?] pairs.
denied(id, fixture) := {f.resource | some f in dynamodb.deny with input as fixture; f.id == id}

warned(id, fixture) := {f.resource | some f in dynamodb.warn with input as fixture; f.id == id; not f.unknown}

unknown(id, fixture) := {f.resource | some f in dynamodb.warn with input as fixture; f.id == id; f.unknown}

test_compliant_has_no_findings if {
	count(dynamodb.deny) == 0 with input as data.testdata.dynamodb.compliant
	count(dynamodb.warn) == 0 with input as data.testdata.dynamodb.compliant
}

test_compliant_with_kms_required if {
	count(dynamodb.deny) == 0 with input as data.testdata.dynamodb.compliant with data.tfo_options as {"kms_required": ["dynamodb"]}
}

test_001_pitr_disabled if {
	denied("TFO-DYNAMODB-001", data.testdata.dynamodb.noncompliant) == {"aws_dynamodb_table.legacy"}
}

test_001_pitr_enabled if {
	count(denied("TFO-DYNAMODB-001", data.testdata.dynamodb.unknown_key)) == 0
}

test_002_aws_owned_key_warns_by_default if {
	warned("TFO-DYNAMODB-002", data.testdata.dynamodb.noncompliant) == {"aws_dynamodb_table.legacy"}
	count(denied("TFO-DYNAMODB-002", data.testdata.dynamodb.noncompliant)) == 0
}

test_002_aws_owned_key_denied_when_kms_required if {
	d := denied("TFO-DYNAMODB-002", data.testdata.dynamodb.noncompliant) with data.tfo_options as {"kms_required": ["dynamodb", "sqs"]}
	d == {"aws_dynamodb_table.legacy"}
}

# A table whose server_side_encryption names a kms_key_arn unknown until apply and not traced to a
# resource of this plan (here a local): undecided. Listed in `set`, it is a customer-managed key.
table_key_unknown(set_paths) := {
	"resources": [{
		"address": "aws_dynamodb_table.t", "module": "", "type": "aws_dynamodb_table", "name": "t", "mode": "managed",
		"index": null, "config_address": "aws_dynamodb_table.t", "configures": true, "change": "create",
		"after": {"name": "t", "server_side_encryption": [{"enabled": true}]},
		"unknown": ["server_side_encryption", "server_side_encryption.0.kms_key_arn"], "set": set_paths,
	}],
	"plan": {"configuration": {"root_module": {"resources": [{
		"address": "aws_dynamodb_table.t", "mode": "managed",
		"expressions": {"server_side_encryption": [{"enabled": {"constant_value": true}, "kms_key_arn": {"references": ["local.key_arn"]}}]},
	}]}}},
}

test_002_unknown_key_is_neither_pass_nor_deny if {
	kms := {"kms_required": ["dynamodb"]}
	unknown("TFO-DYNAMODB-002", table_key_unknown([])) == {"aws_dynamodb_table.t"} with data.tfo_options as kms
	count(denied("TFO-DYNAMODB-002", table_key_unknown([]))) == 0 with data.tfo_options as kms
	traced := table_key_unknown(["server_side_encryption.0.kms_key_arn"])
	count(unknown("TFO-DYNAMODB-002", traced) | denied("TFO-DYNAMODB-002", traced)) == 0 with data.tfo_options as kms
}

# The unknown_key fixture: events takes kms_key_arn from aws_kms_key.table of the same plan (in
# `set`): a customer-managed key, no finding even where KMS is required.
test_002_key_created_by_the_same_plan if {
	some t in data.testdata.dynamodb.unknown_key.resources
	t.address == "aws_dynamodb_table.events"
	"server_side_encryption.0.kms_key_arn" in t.set
	kms := {"kms_required": ["dynamodb"]}
	found := {f.id | some f in (dynamodb.deny | dynamodb.warn); f.id == "TFO-DYNAMODB-002"} with input as data.testdata.dynamodb.unknown_key with data.tfo_options as kms
	count(found) == 0
}

test_002_customer_key_passes if {
	count(warned("TFO-DYNAMODB-002", data.testdata.dynamodb.compliant)) == 0
}

test_003_no_deletion_protection if {
	warned("TFO-DYNAMODB-003", data.testdata.dynamodb.noncompliant) == {"aws_dynamodb_table.legacy"}
}

test_003_deletion_protection if {
	count(warned("TFO-DYNAMODB-003", data.testdata.dynamodb.compliant)) == 0
}

test_004_delete_and_replace_denied if {
	denied("TFO-DYNAMODB-004", data.testdata.dynamodb.destroy) == {"aws_dynamodb_table.sessions[0]", "aws_dynamodb_table.carts"}
}

test_004_create_passes if {
	count(denied("TFO-DYNAMODB-004", data.testdata.dynamodb.noncompliant)) == 0
}

test_005_provisioned_without_autoscaling if {
	warned("TFO-DYNAMODB-005", data.testdata.dynamodb.noncompliant) == {"aws_dynamodb_table.legacy"}
}

test_005_provisioned_with_autoscaling if {
	count(warned("TFO-DYNAMODB-005", data.testdata.dynamodb.compliant)) == 0
}

test_006_replica_without_pitr if {
	denied("TFO-DYNAMODB-006", data.testdata.dynamodb.noncompliant) == {"aws_dynamodb_table.legacy"}
}

test_006_no_replicas if {
	count(denied("TFO-DYNAMODB-006", data.testdata.dynamodb.compliant)) == 0
}

test_every_finding_has_metadata if {
	every fixture in [data.testdata.dynamodb.noncompliant, data.testdata.dynamodb.destroy, data.testdata.dynamodb.unknown_key] {
		findings := dynamodb.deny | dynamodb.warn with input as fixture
		every f in findings {
			dynamodb.metadata[f.id]
		}
	}
}

# ---------------------------------------------------------------- profiles, presence, graded destroys

test_profiles if {
	every _, m in dynamodb.metadata {
		m.profile in {"baseline", "strict"}
	}
	dynamodb.metadata["TFO-DYNAMODB-003"].profile == "strict"
	dynamodb.metadata["TFO-DYNAMODB-005"].profile == "strict"
	dynamodb.metadata["TFO-DYNAMODB-001"].profile == "baseline"
	dynamodb.metadata["TFO-DYNAMODB-004"].profile == "baseline"
}

# A key of this plan (the normaliser's `set`) is a customer-managed key: no unknown warning.
test_002_key_of_this_plan_is_set if {
	some i, t in data.testdata.dynamodb.unknown_key.resources
	t.address == "aws_dynamodb_table.events"
	kms := {"kms_required": ["dynamodb"]}
	every paths in [["server_side_encryption.0.kms_key_arn"], ["server_side_encryption"]] {
		inp := json.patch(data.testdata.dynamodb.unknown_key, [{"op": "add", "path": sprintf("/resources/%d/set", [i]), "value": paths}])
		count(unknown("TFO-DYNAMODB-002", inp)) == 0
		count(denied("TFO-DYNAMODB-002", inp) | warned("TFO-DYNAMODB-002", inp)) == 0 with data.tfo_options as kms
	}
}

test_004_destroy_configurable if {
	opts := {"destroy": {"warn": ["aws_dynamodb_table"]}}
	count(denied("TFO-DYNAMODB-004", data.testdata.dynamodb.destroy)) == 0 with data.tfo_options as opts
	warned("TFO-DYNAMODB-004", data.testdata.dynamodb.destroy) == {"aws_dynamodb_table.sessions[0]", "aws_dynamodb_table.carts"} with data.tfo_options as opts
}

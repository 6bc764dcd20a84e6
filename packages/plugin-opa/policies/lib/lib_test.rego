package tfo.lib_test

import data.tfo.lib

module_plan := data.testdata.s3.module

# module.x.aws_s3_bucket.bare of the s3 module fixture (configured in module_calls.x).
bare := [r | some r in module_plan.resources; r.address == "module.x.aws_s3_bucket.bare"][0]

# ---------------------------------------------------------------- configuration lookups

test_module_prefix if {
	lib.module_prefix(bare) == "module.x"
	lib.module_prefix({"config_address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "name": "b"}) == ""
	lib.module_prefix({"config_address": "module.a.module.b.aws_s3_bucket.b", "type": "aws_s3_bucket", "name": "b"}) == "module.a.module.b"
}

test_config_module_follows_module_calls if {
	mod := lib.config_module("module.x") with input as module_plan
	count(mod.resources) > 0
	lib.config_module("") == module_plan.plan.configuration.root_module with input as module_plan
	lib.config_module("module.missing") == {} with input as module_plan
}

test_config_of_follows_module_calls if {
	cfg := lib.config_of(bare) with input as module_plan
	cfg.address == "aws_s3_bucket.bare"
	count(lib.config_resources(bare)) == 1 with input as module_plan
}

test_config_of_undefined_without_configuration if {
	not lib.config_of(bare) with input as {"plan": {}}
}

test_configured_attr if {
	lib.configured_attr(bare, "bucket") with input as module_plan
	not lib.configured_attr(bare, "force_destroy") with input as module_plan
}

test_set_unknown_needs_configuration if {
	r := object.union(bare, {"unknown": ["bucket", "acl"]})
	lib.set_unknown(r, "bucket") with input as module_plan
	not lib.set_unknown(r, "acl") with input as module_plan # unknown but not configured
	not lib.set_unknown(bare, "bucket") with input as module_plan # configured but known
}

# ---------------------------------------------------------------- unknown values

test_unknown_value if {
	r := {"after": {"known": []}, "unknown": ["computed", "known", "known.0.x"]}
	lib.unknown_value(r, "computed")
	lib.unknown_value(r, "computed.0.x") # the whole block is computed
	lib.unknown_value(r, "known.0.x")
	not lib.unknown_value(r, "known.1.x") # the block is in after: only listed paths are unknown
	not lib.unknown_value(r, "other")
}

# ---------------------------------------------------------------- statements

test_statement_label if {
	lib.statement_label({"Sid": "Open"}, 0) == "statement Open"
	lib.statement_label({"Sid": ""}, 0) == "statement #1"
	lib.statement_label({}, 2) == "statement #3"
}

test_statement_label_quoted if {
	lib.statement_label_quoted({"Sid": "Open"}, 0) == `statement "Open"`
	lib.statement_label_quoted({"Sid": ""}, 0) == "statement 0"
	lib.statement_label_quoted({}, 2) == "statement 2"
}

test_actions_and_as_list if {
	lib.actions({"Action": ["s3:GetObject"]}) == ["s3:GetObject"]
	lib.actions({"NotAction": ["s3:GetObject"]}) == []
	lib.as_list(["a", "b"]) == ["a", "b"]
	lib.as_list("a") == ["a"]
}

test_destroyed_word if {
	lib.destroyed_word.delete == "deleted"
	lib.destroyed_word.replace == "replaced (destroyed and re-created)"
}

# ---------------------------------------------------------------- options

test_kms_required if {
	lib.kms_required("s3") with data.tfo_options as {"kms_required": ["s3", "sqs"]}
	not lib.kms_required("sns") with data.tfo_options as {"kms_required": ["s3", "sqs"]}
	not lib.kms_required("s3") with data.tfo_options as {}
}

test_number_option if {
	lib.number_option("days", 7) == 30 with data.tfo_options as {"days": 30}
	lib.number_option("days", 7) == 7 with data.tfo_options as {"days": "30"}
	lib.number_option("days", 7) == 7 with data.tfo_options as {}
}

test_set_option if {
	lib.set_option("runtimes", {"a"}) == {"b", "c"} with data.tfo_options as {"runtimes": ["b", "c", "b"]}
	lib.set_option("runtimes", {"a"}) == set() with data.tfo_options as {"runtimes": []}
	lib.set_option("runtimes", {"a"}) == {"a"} with data.tfo_options as {"runtimes": "b"}
	lib.set_option("runtimes", {"a"}) == {"a"} with data.tfo_options as {}
}

# ---------------------------------------------------------------- narrowing, presence, destroys

test_narrowed_by_standard_kms_conditions if {
	lib.narrowed({"Condition": {"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "ec2.us-east-1.amazonaws.com"}}})
	lib.narrowed({"Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-abc123"]}}})
	not lib.narrowed({"Condition": {"StringLike": {"aws:PrincipalArn": "*"}}})
	not lib.narrowed({"Condition": {"Bool": {"aws:SecureTransport": "true"}}})
	not lib.narrowed({})
}

test_present_and_presence_unknown if {
	known := {"after": {"kms_master_key_id": "arn:aws:kms:x"}, "unknown": [], "set": []}
	set_ref := {"after": {}, "unknown": ["kms_master_key_id"], "set": ["kms_master_key_id"]}
	unknown := {"after": {}, "unknown": ["kms_master_key_id"], "set": []}
	empty := {"after": {"kms_master_key_id": ""}, "unknown": []}
	lib.present(known, "kms_master_key_id")
	lib.present(set_ref, "kms_master_key_id")
	not lib.presence_unknown(set_ref, "kms_master_key_id")
	not lib.present(unknown, "kms_master_key_id")
	lib.presence_unknown(unknown, "kms_master_key_id")
	not lib.present(empty, "kms_master_key_id")
	not lib.present({"after": {"restore_to_point_in_time": []}}, "restore_to_point_in_time")
	not lib.present({"after": {"tags": {}}}, "tags")
	lib.present({"after": {"restore_to_point_in_time": [{"source": "x"}]}}, "restore_to_point_in_time")
	not lib.presence_unknown(empty, "kms_master_key_id")
}

test_of_type_uses_the_index if {
	inp := {"resources": [{"type": "a", "configures": true}, {"type": "b", "configures": true}, {"type": "a", "configures": false, "change": "delete"}], "types": {"a": [0, 2], "b": [1]}}
	count(lib.of_type("a")) == 2 with input as inp
	count(lib.configured("a")) == 1 with input as inp
	count(lib.destroyed("a")) == 1 with input as inp
	count(lib.configured("c")) == 0 with input as inp
	count(lib.configured("a")) == 1 with input as object.remove(inp, ["types"])
}

test_destroy_blocks_graded_and_configurable if {
	lib.destroy_blocks({"type": "aws_dynamodb_table"})
	not lib.destroy_blocks({"type": "aws_cloudwatch_log_group"})
	lib.destroy_blocks({"type": "aws_cloudwatch_log_group"}) with data.tfo_options as {"destroy": {"block": ["aws_cloudwatch_log_group"]}}
	not lib.destroy_blocks({"type": "aws_kms_key"}) with data.tfo_options as {"destroy": {"warn": ["aws_kms_key"]}}
}

test_doc_from_source_and_unknown_in_doc if {
	lib.doc_from_source({"docs_from": {"policy": "data.aws_iam_policy_document.p"}}, "policy")
	not lib.doc_from_source({"docs_from": {}}, "policy")
	not lib.doc_from_source({}, "policy")
	lib.unknown_in_doc("(known after apply)")
	lib.unknown_in_doc(["arn:aws:s3:::b", "(known after apply)"])
	not lib.unknown_in_doc("*")
}

test_doc_unknown_and_unknown_principal if {
	lib.doc_unknown({"after": {}, "unknown": ["policy"]}, "policy")
	not lib.doc_unknown({"after": {}, "unknown": ["policy"], "docs_from": {"policy": "data.aws_iam_policy_document.p"}}, "policy")
	not lib.doc_unknown({"after": {"policy": "{}"}, "unknown": []}, "policy")
	lib.unknown_principal({"Principal": "(known after apply)"})
	lib.unknown_principal({"Principal": {"AWS": ["arn:aws:iam::111122223333:root", "(known after apply)"]}})
	not lib.unknown_principal({"Principal": "*"})
	not lib.unknown_principal({"Principal": {"Service": ["sns.amazonaws.com"]}})
}

# ---------------------------------------------------------------- profile selection

test_on_runs_every_rule_without_a_selection if {
	lib.on({"X-1": {"profile": "strict"}}, "X-1", false)
	lib.on({}, "X-2", true)
}

test_on_selects_by_profile_and_override if {
	meta := {"B-1": {"profile": "baseline"}, "S-1": {"profile": "strict"}, "N-1": {}}
	lib.on(meta, "B-1", false) with data.tfo_select as {"profile": "baseline"}
	lib.on(meta, "N-1", false) with data.tfo_select as {"profile": "baseline"}
	not lib.on(meta, "S-1", false) with data.tfo_select as {"profile": "baseline"}
	not lib.on(meta, "B-1", true) with data.tfo_select as {"profile": "baseline"} # an advisory branch
	lib.on(meta, "S-1", false) with data.tfo_select as {"profile": "strict"}
	lib.on(meta, "B-1", true) with data.tfo_select as {"profile": "strict"}
	lib.on(meta, "S-1", false) with data.tfo_select as {"profile": "baseline", "rules": {"S-1": "baseline"}}
	not lib.on(meta, "B-1", false) with data.tfo_select as {"profile": "strict", "rules": {"B-1": "off"}}
	not lib.on(meta, "B-1", false) with data.tfo_select as {"profile": "baseline", "rules": {"B-1": "strict"}}
}

test_unnarrowed_and_narrowing_unknown if {
	lib.unnarrowed({"Condition": {"Bool": {"aws:SecureTransport": "false"}}})
	lib.unnarrowed({})
	not lib.unnarrowed({"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}})
	not lib.unnarrowed({"Condition": "(known after apply)"})
	lib.narrowing_unknown({"Condition": "(known after apply)"})
	not lib.narrowing_unknown({"Condition": {"StringLike": {"sns:Endpoint": ["(known after apply)"]}}})
}

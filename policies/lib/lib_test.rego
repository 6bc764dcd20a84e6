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

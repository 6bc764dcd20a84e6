package tfo.rules.lambda_test

import data.tfo.rules.lambda

hits(findings, id, resource) := [f | some f in findings; f.id == id; f.resource == resource]

messages(findings, id, resource) := {f.message | some f in hits(findings, id, resource)}

ids(findings) := {f.id | some f in findings}

compliant := data.testdata.lambda.compliant

violating := data.testdata.lambda.violating

module := data.testdata.lambda.module

test_compliant_has_no_findings if {
	count(lambda.deny) == 0 with input as compliant
	count(lambda.warn) == 0 with input as compliant
}

test_metadata_complete if {
	every id, m in lambda.metadata {
		regex.match(`^TFO-LAMBDA-[0-9]{3}$`, id)
		m.severity in {"critical", "high", "medium", "low"}
		m.title != ""
		m.remediation != ""
		"cis" in object.keys(m)
	}
	findings := lambda.deny | lambda.warn with input as violating
	every f in findings {
		lambda.metadata[f.id]
	}
}

test_messages_never_echo_values if {
	a := lambda.deny | lambda.warn with input as violating
	b := lambda.deny | lambda.warn with input as module
	every f in a | b {
		not contains(f.message, "not-a-real")
		not contains(f.message, "sk_test")
		not contains(f.message, "(sensitive)")
	}
}

# TFO-LAMBDA-001
test_001_literal_and_sensitive_secrets_denied if {
	messages(lambda.deny, "TFO-LAMBDA-001", "aws_lambda_function.legacy") == {
		"environment variable STRIPE_API_KEY has a secret-like name and holds the secret itself",
		"environment variable DB_PASSWORD has a secret-like name and holds the secret itself",
	} with input as violating
	count(hits(lambda.deny, "TFO-LAMBDA-001", "module.fn.aws_lambda_function.this")) == 1 with input as module
}

# violating: keyed takes aws_iam_access_key.svc.secret (unknown until apply, but a secret).
test_001_secret_source_denied if {
	[f] := hits(lambda.deny, "TFO-LAMBDA-001", "aws_lambda_function.keyed") with input as violating
	contains(f.message, "aws_iam_access_key.svc.secret")
	count(hits(lambda.warn, "TFO-LAMBDA-001", "aws_lambda_function.keyed")) == 0 with input as violating
}

# Unknown values from anything else cannot be decided.
test_001_unknown_variables_warn if {
	r := fn({"after": {"environment": [{}]}, "unknown": ["environment", "environment.0.variables"]})
	cfg := {"plan": {"configuration": {"root_module": {"resources": [{
		"address": "aws_lambda_function.f", "mode": "managed",
		"expressions": {"environment": [{"variables": {"references": ["aws_sqs_queue.q.url", "aws_sqs_queue.q"]}}]},
	}]}}}}
	[f] := hits(lambda.warn, "TFO-LAMBDA-001", "aws_lambda_function.f") with input as object.union(cfg, {"resources": [r]})
	f.unknown
	not "TFO-LAMBDA-001" in ids(lambda.deny) with input as object.union(cfg, {"resources": [r]})
}

# compliant: LOG_LEVEL, DB_PASSWORD_SECRET_ARN (an ARN), API_TOKEN_PARAMETER (a parameter name).
test_001_references_pass if {
	not "TFO-LAMBDA-001" in ids(lambda.deny | lambda.warn) with input as compliant
}

# TFO-LAMBDA-002
test_002_environment_without_kms_warns if {
	count(hits(lambda.warn, "TFO-LAMBDA-002", "aws_lambda_function.legacy")) == 1 with input as violating
	count(hits(lambda.warn, "TFO-LAMBDA-002", "module.fn.aws_lambda_function.this")) == 1 with input as module
}

test_002_kms_or_no_environment_passes if {
	not "TFO-LAMBDA-002" in ids(lambda.warn) with input as compliant
	count(hits(lambda.warn, "TFO-LAMBDA-002", "aws_lambda_function.keyed")) == 0 with input as violating
	count(hits(lambda.warn, "TFO-LAMBDA-002", "aws_lambda_function.old_node")) == 0 with input as violating
}

# A key created in the same plan (unknown ARN, listed in `set`) is set; an unknown value that is
# not known to be set cannot be decided.
test_002_key_of_the_plan_is_set if {
	count(lambda.warn) == 0 with input as {"resources": [fn({"set": ["kms_key_arn"], "unknown": ["kms_key_arn"]})]}
	[u] := hits(lambda.warn, "TFO-LAMBDA-002", "aws_lambda_function.f") with input as {"resources": [fn({"unknown": ["kms_key_arn"]})]}
	u.unknown
	by_ref := {"resources": [fn({"unknown": ["kms_key_arn"]})], "plan": {"configuration": {"root_module": {"resources": [{
		"address": "aws_lambda_function.f", "mode": "managed",
		"expressions": {"kms_key_arn": {"references": ["aws_kms_key.env.arn", "aws_kms_key.env"]}},
	}]}}}}
	count(lambda.warn) == 0 with input as by_ref
}

# A function with every advisory setting, environment variables and a customer managed key.
fn(patch) := object.union(
	{
		"address": "aws_lambda_function.f", "module": "", "type": "aws_lambda_function", "name": "f", "mode": "managed",
		"config_address": "aws_lambda_function.f", "change": "create", "configures": true, "unknown": [],
		"after": {
			"function_name": "f", "runtime": "python3.12", "environment": [{"variables": {"LOG_LEVEL": "info"}}],
			"kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/k", "tracing_config": [{"mode": "Active"}],
			"reserved_concurrent_executions": 5, "dead_letter_config": [{"target_arn": "arn:aws:sqs:us-east-1:123456789012:dlq"}],
			"vpc_config": [{"subnet_ids": ["subnet-1"]}],
		},
	},
	patch,
)

# TFO-LAMBDA-003
test_003_tracing_not_active_warns if {
	count(hits(lambda.warn, "TFO-LAMBDA-003", "aws_lambda_function.legacy")) == 1 with input as violating
	count(hits(lambda.warn, "TFO-LAMBDA-003", "aws_lambda_function.old_node")) == 1 with input as violating
}

test_003_unknown_mode_warns if {
	[f] := hits(lambda.warn, "TFO-LAMBDA-003", "aws_lambda_function.keyed") with input as violating
	f.unknown
}

test_003_active_passes if {
	not "TFO-LAMBDA-003" in ids(lambda.warn) with input as compliant
	not "TFO-LAMBDA-003" in ids(lambda.warn) with input as module
}

# TFO-LAMBDA-004
test_004_deprecated_runtimes_denied if {
	messages(lambda.deny, "TFO-LAMBDA-004", "aws_lambda_function.legacy") == {"runtime python3.8 is deprecated"} with input as violating
	messages(lambda.deny, "TFO-LAMBDA-004", "aws_lambda_function.old_node") == {"runtime nodejs14.x is deprecated"} with input as violating
	messages(lambda.deny, "TFO-LAMBDA-004", "module.fn.aws_lambda_function.this") == {"runtime go1.x is deprecated"} with input as module
}

test_004_current_runtime_passes if {
	not "TFO-LAMBDA-004" in ids(lambda.deny) with input as compliant
	count(hits(lambda.deny, "TFO-LAMBDA-004", "aws_lambda_function.keyed")) == 0 with input as violating
}

test_004_list_is_an_option if {
	fs := lambda.deny with input as compliant with data.tfo_options as {"lambda_deprecated_runtimes": ["python3.12"]}
	count(hits(fs, "TFO-LAMBDA-004", "aws_lambda_function.api")) == 1
}

# TFO-LAMBDA-005
test_005_no_reserved_concurrency_warns if {
	count(hits(lambda.warn, "TFO-LAMBDA-005", "aws_lambda_function.legacy")) == 1 with input as violating
}

test_005_reserved_concurrency_passes if {
	not "TFO-LAMBDA-005" in ids(lambda.warn) with input as compliant
	not "TFO-LAMBDA-005" in ids(lambda.warn) with input as module
}

# TFO-LAMBDA-006
test_006_no_dlq_warns if {
	count(hits(lambda.warn, "TFO-LAMBDA-006", "aws_lambda_function.old_node")) == 1 with input as violating
	count(hits(lambda.warn, "TFO-LAMBDA-006", "module.fn.aws_lambda_function.this")) == 1 with input as module
}

test_006_dlq_passes if {
	not "TFO-LAMBDA-006" in ids(lambda.warn) with input as compliant
}

# An on-failure destination of an event invoke config (by known name, or by configuration reference
# in the same module) replaces the dead-letter queue.
test_006_failure_destination_passes if {
	no_dlq := fn({"after": {"dead_letter_config": []}})
	count(hits(lambda.warn, "TFO-LAMBDA-006", "aws_lambda_function.f")) == 1 with input as {"resources": [no_dlq]}
	by_name := invoke_config({"function_name": "f", "destination_config": [{"on_failure": [{"destination": "arn:aws:sqs:us-east-1:1:q"}]}]}, [])
	count(lambda.warn) == 0 with input as {"resources": [no_dlq, by_name]}
	by_ref := invoke_config({"destination_config": [{"on_failure": [{"destination": "arn:aws:sqs:us-east-1:1:q"}]}]}, ["function_name"])
	count(lambda.warn) == 0 with input as {"resources": [no_dlq, by_ref], "plan": {"configuration": {"root_module": {"resources": [{
		"address": "aws_lambda_function_event_invoke_config.f", "mode": "managed",
		"expressions": {"function_name": {"references": ["aws_lambda_function.f.function_name", "aws_lambda_function.f"]}},
	}]}}}}
	unknown_dest := invoke_config({"function_name": "f"}, ["destination_config"])
	count(lambda.warn) == 0 with input as {"resources": [no_dlq, unknown_dest]}
}

invoke_config(after, unknown) := {
	"address": "aws_lambda_function_event_invoke_config.f", "module": "", "type": "aws_lambda_function_event_invoke_config",
	"name": "f", "mode": "managed", "config_address": "aws_lambda_function_event_invoke_config.f", "change": "create",
	"configures": true, "unknown": unknown, "after": after,
}

# TFO-LAMBDA-007
test_007_public_permission_denied if {
	count(hits(lambda.deny, "TFO-LAMBDA-007", "aws_lambda_permission.public")) == 1 with input as violating
}

# compliant: principal "*" narrowed by principal_org_id; a service principal with source_arn.
test_007_narrowed_permission_passes if {
	not "TFO-LAMBDA-007" in ids(lambda.deny) with input as compliant
	count(hits(lambda.deny, "TFO-LAMBDA-007", "aws_lambda_permission.from_topic")) == 0 with input as violating
	perm := {
		"address": "aws_lambda_permission.p", "module": "", "type": "aws_lambda_permission", "name": "p", "mode": "managed",
		"config_address": "aws_lambda_permission.p", "change": "create", "configures": true,
		"unknown": ["source_arn"], "set": ["source_arn"], "after": {"principal": "*"},
	}
	count(lambda.deny) == 0 with input as {"resources": [perm]}
	count(hits(lambda.deny, "TFO-LAMBDA-007", "aws_lambda_permission.p")) == 1 with input as {"resources": [object.union(perm, {"set": [], "unknown": []})]}
}

# TFO-LAMBDA-008
test_008_unauthenticated_url_denied if {
	count(hits(lambda.deny, "TFO-LAMBDA-008", "aws_lambda_function_url.legacy")) == 1 with input as violating
}

test_008_iam_url_passes if {
	not "TFO-LAMBDA-008" in ids(lambda.deny) with input as compliant
}

# TFO-LAMBDA-009
test_009_service_principal_without_source_warns if {
	messages(lambda.warn, "TFO-LAMBDA-009", "aws_lambda_permission.from_topic") == {"principal sns.amazonaws.com without source_arn or source_account"} with input as violating
}

test_009_service_principal_with_source_passes if {
	not "TFO-LAMBDA-009" in ids(lambda.warn) with input as compliant
	count(hits(lambda.warn, "TFO-LAMBDA-009", "aws_lambda_permission.public")) == 0 with input as violating
}

# TFO-LAMBDA-010
test_010_no_vpc_warns if {
	count(hits(lambda.warn, "TFO-LAMBDA-010", "aws_lambda_function.legacy")) == 1 with input as violating
}

test_010_vpc_passes if {
	not "TFO-LAMBDA-010" in ids(lambda.warn) with input as compliant
}

# Lambda: functions, permissions, function URLs.
package tfo.rules.lambda

import data.tfo.lib

metadata := {
	"TFO-LAMBDA-001": {
		"title": "Secret in Lambda environment variables",
		"severity": "critical",
		"cis": null,
		"remediation": "Keep secrets in Secrets Manager or SSM Parameter Store and pass their ARN/name (e.g. DB_PASSWORD_SECRET_ARN); read them at runtime with the function's role. Rotate the exposed secret.",
		"profile": "baseline",
	},
	"TFO-LAMBDA-002": {
		"title": "Lambda environment variables are not encrypted with a customer managed key",
		"severity": "medium",
		"cis": null,
		"remediation": "Set kms_key_arn to a customer managed KMS key when the function has environment variables.",
		"profile": "strict",
	},
	"TFO-LAMBDA-003": {
		"title": "Lambda X-Ray active tracing is disabled",
		"severity": "low",
		"cis": null,
		"remediation": "Add tracing_config { mode = \"Active\" }.",
		"profile": "strict",
	},
	"TFO-LAMBDA-004": {
		"title": "Lambda runtime is deprecated",
		"severity": "high",
		"cis": null,
		"remediation": "Move to a supported runtime (python3.12+, nodejs20.x+, java21, provided.al2023, dotnet8, ruby3.3+). Deprecated runtimes get no security patches.",
		"profile": "baseline",
	},
	"TFO-LAMBDA-005": {
		"title": "Lambda function has no reserved concurrency",
		"severity": "low",
		"cis": null,
		"remediation": "Set reserved_concurrent_executions so one function cannot exhaust the account's concurrency (and to cap runaway cost).",
		"profile": "strict",
	},
	"TFO-LAMBDA-006": {
		"title": "Lambda function has no dead-letter queue",
		"severity": "low",
		"cis": null,
		"remediation": "Add dead_letter_config { target_arn = <SQS queue or SNS topic> } (or an on-failure destination) so failed asynchronous invocations are kept.",
		"profile": "strict",
	},
	"TFO-LAMBDA-007": {
		"title": "Lambda permission lets anyone invoke the function",
		"severity": "critical",
		"cis": null,
		"remediation": "Use a specific principal, or narrow principal \"*\" with source_arn, source_account or principal_org_id.",
		"profile": "baseline",
	},
	"TFO-LAMBDA-008": {
		"title": "Lambda function URL has no authentication",
		"severity": "high",
		"cis": null,
		"remediation": "Set authorization_type = \"AWS_IAM\" (and sign requests), or front the function with API Gateway and an authorizer.",
		"profile": "baseline",
	},
	"TFO-LAMBDA-009": {
		"title": "Lambda permission for an AWS service has no source condition",
		"severity": "medium",
		"cis": null,
		"remediation": "Set source_arn (and source_account) so only your resource of that service can invoke the function (confused deputy).",
		"profile": "baseline",
	},
	"TFO-LAMBDA-010": {
		"title": "Lambda function is not attached to a VPC",
		"severity": "low",
		"cis": null,
		"remediation": "Add vpc_config with private subnets and security groups when the function reaches private resources or must have controlled egress.",
		"profile": "strict",
	},
}

functions := lib.configured("aws_lambda_function")

# --- TFO-LAMBDA-001: secrets in environment variables -------------------------------------------

# Names that say "secret"; names that say "where the secret is" (an ARN, a parameter name) are fine.
secret_name := `(?i)(secret|password|passwd|pwd|token|api_?key|private_?key|access_?key|credential)`

reference_name := `(?i)(_arn|_name|_id|_param|_parameter|_path|_url|_uri|_file|_ttl|_version)$`

environment(r) := vars if {
	some env in lib.get(r, "environment", [])
	vars := object.get(env, "variables", {})
	is_object(vars)
} else := {}

env_unknown(r) if lib.is_unknown(r, "environment.0.variables")

literal_secret(name, value) if {
	regex.match(secret_name, name)
	not regex.match(reference_name, name)
	is_string(value)
	value != ""
	not startswith(value, "arn:aws")
	not startswith(value, "{{resolve:")
}

# The value is never echoed (it is often a secret, or "(sensitive)").
deny contains lib.finding("TFO-LAMBDA-001", r.address, msg) if {
	lib.on(metadata, "TFO-LAMBDA-001", false)
	some r in functions
	some name, value in environment(r)
	literal_secret(name, value)
	msg := sprintf("environment variable %s has a secret-like name and holds the secret itself", [name])
}

warn contains lib.unknown_finding("TFO-LAMBDA-001", r.address, "environment.variables") if {
	lib.on(metadata, "TFO-LAMBDA-001", false)
	some r in functions
	env_unknown(r)
	count(secret_sources(r)) == 0
}

# Values unknown until apply that come from an attribute holding a secret (an access key's secret,
# a generated password, a private key): the secret is stored in the function's configuration,
# whatever the variable's name. The configuration lists the references of the whole map.
deny contains lib.finding("TFO-LAMBDA-001", r.address, msg) if {
	lib.on(metadata, "TFO-LAMBDA-001", false)
	some r in functions
	some source in secret_sources(r)
	msg := sprintf("environment variables take %s: the secret itself is stored in the function's configuration", [source])
}

secret_reference := `^(random_password\.[^.]+\.(result|bcrypt_hash)|tls_private_key\.[^.]+\.private_key|aws_iam_access_key\.[^.]+\.(secret|ses_smtp_password_v4)|aws_secretsmanager_secret_version\.[^.]+\.secret_string|data\.aws_secretsmanager_secret_version\.[^.]+\.secret_string)`

secret_sources(r) := {ref |
	some c in lib.config_resources(r)
	some env in object.get(c, ["expressions", "environment"], [])
	some ref in object.get(env, ["variables", "references"], [])
	regex.match(secret_reference, ref)
}

# --- TFO-LAMBDA-002: KMS key for environment variables ----------------------------------------------

has_environment(r) if count(environment(r)) > 0

has_environment(r) if env_unknown(r)

# kms_key_arn is a presence check: a key created in the same plan (unknown ARN) counts as set.
warn contains lib.finding("TFO-LAMBDA-002", r.address, "environment variables without kms_key_arn: they are encrypted with the AWS managed key") if {
	lib.on(metadata, "TFO-LAMBDA-002", false)
	some r in functions
	not lib.present(r, "kms_key_arn")
	not lib.presence_unknown(r, "kms_key_arn")
	has_environment(r)
}

warn contains lib.unknown_finding("TFO-LAMBDA-002", r.address, "kms_key_arn") if {
	lib.on(metadata, "TFO-LAMBDA-002", false)
	some r in functions
	lib.presence_unknown(r, "kms_key_arn")
	not set_from_plan(r, "kms_key_arn")
	has_environment(r)
}

# Written in the same module as a reference to a managed resource of the plan (a key created here):
# set, also before the normaliser lists it in `set`.
set_from_plan(r, attr) if {
	some c in lib.config_resources(r)
	some ref in object.get(c, ["expressions", attr, "references"], [])
	startswith(ref, "aws_")
}

# --- TFO-LAMBDA-003: tracing ----------------------------------------------------------------------------

warn contains lib.finding("TFO-LAMBDA-003", r.address, "tracing_config.mode is not Active") if {
	lib.on(metadata, "TFO-LAMBDA-003", false)
	some r in functions
	not tracing_unknown(r)
	not lib.get(r, "tracing_config", [])[0].mode == "Active"
}

warn contains lib.unknown_finding("TFO-LAMBDA-003", r.address, "tracing_config.mode") if {
	lib.on(metadata, "TFO-LAMBDA-003", false)
	some r in functions
	tracing_unknown(r)
}

tracing_unknown(r) if lib.is_unknown(r, "tracing_config.0.mode")

# --- TFO-LAMBDA-004: deprecated runtimes ------------------------------------------------------------------

default_deprecated_runtimes := {
	"python2.7", "python3.6", "python3.7", "python3.8",
	"nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x",
	"java8", "go1.x", "ruby2.5", "ruby2.7",
	"dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet5.0", "dotnet6", "dotnet7",
	"provided",
}

# Option lambda_deprecated_runtimes replaces the list.
deprecated_runtimes := lib.set_option("lambda_deprecated_runtimes", default_deprecated_runtimes)

deny contains lib.finding("TFO-LAMBDA-004", r.address, sprintf("runtime %s is deprecated", [runtime])) if {
	lib.on(metadata, "TFO-LAMBDA-004", false)
	some r in functions
	runtime := lib.get(r, "runtime", "")
	runtime in deprecated_runtimes
}

# --- TFO-LAMBDA-005: reserved concurrency -------------------------------------------------------------------

warn contains lib.finding("TFO-LAMBDA-005", r.address, "reserved_concurrent_executions is not set") if {
	lib.on(metadata, "TFO-LAMBDA-005", false)
	some r in functions
	not lib.is_unknown(r, "reserved_concurrent_executions")
	lib.get(r, "reserved_concurrent_executions", -1) < 0
}

# --- TFO-LAMBDA-006: dead-letter queue ------------------------------------------------------------------------
# A dead_letter_config (its target_arn may be a queue or topic of the same plan: set), or an
# aws_lambda_function_event_invoke_config with an on-failure destination for the function, passes.

warn contains lib.finding("TFO-LAMBDA-006", r.address, "dead_letter_config is not set (and no on-failure destination)") if {
	lib.on(metadata, "TFO-LAMBDA-006", false)
	some r in functions
	not lib.unknown_value(r, "dead_letter_config")
	count(lib.get(r, "dead_letter_config", [])) == 0
	not has_failure_destination(r)
}

# Function names and config addresses that event invoke configs send failures somewhere for.
failure_destinations contains key if {
	some c in lib.configured("aws_lambda_function_event_invoke_config")
	some d in lib.get(c, "destination_config", [])
	count(object.get(d, "on_failure", [])) > 0
	some key in invoke_config_targets(c)
}

failure_destinations contains key if {
	some c in lib.configured("aws_lambda_function_event_invoke_config")
	lib.unknown_value(c, "destination_config")
	some key in invoke_config_targets(c)
}

invoke_config_targets(c) := {k |
	some k in array.concat(
		[n | n := lib.get(c, "function_name", ""); n != ""],
		[sprintf("%s%s", [prefix, a]) |
			prefix := module_dot(c)
			some cfg in lib.config_resources(c)
			some ref in object.get(cfg, ["expressions", "function_name", "references"], [])
			parts := split(ref, ".")
			parts[0] == "aws_lambda_function"
			a := concat(".", array.slice(parts, 0, 2))
		],
	)
}

module_dot(r) := "" if lib.module_prefix(r) == ""

else := concat("", [lib.module_prefix(r), "."])

has_failure_destination(r) if lib.get(r, "function_name", "") in failure_destinations

has_failure_destination(r) if r.config_address in failure_destinations

# --- TFO-LAMBDA-007 / 009: permissions --------------------------------------------------------------------------

narrowing_attrs := ["source_arn", "source_account", "principal_org_id"]

narrowed(r) if {
	some a in narrowing_attrs
	narrowed_by(r, a)
}

# A value unknown until apply (e.g. another resource's ARN) still narrows: it is set.
narrowed_by(r, a) if lib.present(r, a)

narrowed_by(r, a) if lib.set_unknown(r, a)

deny contains lib.finding("TFO-LAMBDA-007", r.address, "principal is \"*\" without source_arn, source_account or principal_org_id") if {
	lib.on(metadata, "TFO-LAMBDA-007", false)
	some r in lib.configured("aws_lambda_permission")
	lib.get(r, "principal", "") == "*"
	not narrowed(r)
}

warn contains lib.finding("TFO-LAMBDA-009", r.address, sprintf("principal %s without source_arn or source_account", [principal])) if {
	lib.on(metadata, "TFO-LAMBDA-009", false)
	some r in lib.configured("aws_lambda_permission")
	principal := lib.get(r, "principal", "")
	endswith(principal, ".amazonaws.com")
	not narrowed(r)
}

# --- TFO-LAMBDA-008: function URLs ------------------------------------------------------------------------------

deny contains lib.finding("TFO-LAMBDA-008", r.address, "authorization_type is NONE: anyone on the internet can invoke the function") if {
	lib.on(metadata, "TFO-LAMBDA-008", false)
	some r in lib.configured("aws_lambda_function_url")
	upper(lib.get(r, "authorization_type", "")) == "NONE"
}

# --- TFO-LAMBDA-010: VPC ------------------------------------------------------------------------------------------

warn contains lib.finding("TFO-LAMBDA-010", r.address, "vpc_config is not set: the function runs outside your VPC") if {
	lib.on(metadata, "TFO-LAMBDA-010", false)
	some r in functions
	count(lib.get(r, "vpc_config", [])) == 0
}

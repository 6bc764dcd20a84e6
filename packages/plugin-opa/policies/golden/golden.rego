# Golden templates: rules over the deployment's input variables (its tfvars), so they guard
# modules whatever resources they use (examples/offline records AWS resources in
# terraform_data; examples/aws uses aws_* resources). A finding's resource is
# `var.<variable>["<key>"]`.
#
# The plan's variables hold the values as written in the tfvars: optional attributes that the
# file leaves out are absent, so every rule applies the module's defaults (attr below).
# Shapes: examples/offline/modules/root/variables.tf and examples/aws/modules/root/variables.tf.
package tfo.rules.golden

import data.tfo.lib

metadata := {
	"TFO-GOLDEN-001": {
		"title": "S3 bucket entry without versioning",
		"severity": "medium",
		"cis": null,
		"remediation": "Set versioning = true (the module default) in the s3_buckets entry.",
		"profile": "baseline",
	},
	"TFO-GOLDEN-002": {
		"title": "S3 bucket entry without default encryption",
		"severity": "high",
		"cis": null,
		"remediation": "Set sse_algorithm = \"aws:kms\" (with a KMS key) or \"AES256\" in the s3_buckets entry.",
		"profile": "baseline",
	},
	"TFO-GOLDEN-003": {
		"title": "S3 bucket entry without a public access block",
		"severity": "high",
		"cis": "2.1.4",
		"remediation": "Set block_public = true (the module default) in the s3_buckets entry.",
		"profile": "baseline",
	},
	"TFO-GOLDEN-004": {
		"title": "S3 bucket entry readable by anyone",
		"severity": "critical",
		"cis": null,
		"remediation": "Remove public_read = true; serve public content through CloudFront with origin access control instead.",
		"profile": "baseline",
	},
	"TFO-GOLDEN-005": {
		"title": "S3 bucket entry with a policy statement allowing anyone",
		"severity": "critical",
		"cis": null,
		"remediation": "Use principal_type \"AWS\" or \"Service\" with named principals in policy_statements; never Allow to \"*\".",
		"profile": "baseline",
	},
	"TFO-GOLDEN-006": {
		"title": "KMS key entry without automatic rotation",
		"severity": "medium",
		"cis": "3.6",
		"remediation": "Set enable_key_rotation = true (the module default). Asymmetric and HMAC keys (key_usage other than ENCRYPT_DECRYPT, or a non-symmetric key spec) cannot rotate and are exempt.",
		"profile": "baseline",
	},
	"TFO-GOLDEN-007": {
		"title": "IAM role entry trusting any principal",
		"severity": "critical",
		"cis": null,
		"remediation": "List explicit account ids in trust_accounts and explicit service principals in trust_services; never \"*\".",
		"profile": "baseline",
	},
	"TFO-GOLDEN-008": {
		"title": "IAM role entry with AdministratorAccess",
		"severity": "high",
		"cis": "1.16",
		"remediation": "Attach least-privilege policies instead of arn:aws:iam::aws:policy/AdministratorAccess; keep it only for audited break-glass roles.",
		"profile": "baseline",
	},
	"TFO-GOLDEN-009": {
		"title": "IAM role entry with an inline policy allowing every action on every resource",
		"severity": "high",
		"cis": "1.16",
		"remediation": "Replace actions [\"*\"] on resources [\"*\"] with the actions and resources the role needs.",
		"profile": "baseline",
	},
	"TFO-GOLDEN-010": {
		"title": "Lambda function entry on a deprecated runtime",
		"severity": "high",
		"cis": null,
		"remediation": "Move to a supported runtime (e.g. nodejs22.x, python3.12+, java21). The list can be replaced with tfo_options.lambda_deprecated_runtimes.",
		"profile": "baseline",
	},
	"TFO-GOLDEN-011": {
		"title": "Lambda function entry on a runtime at or near its deprecation date",
		"severity": "medium",
		"cis": null,
		"remediation": "Plan the upgrade to a newer runtime before AWS blocks updates. The list can be replaced with tfo_options.lambda_deprecating_runtimes.",
		"profile": "strict",
	},
	"TFO-GOLDEN-012": {
		"title": "Entry without the required tags",
		"severity": "medium",
		"cis": null,
		"remediation": "Give every entry tags Owner, Team, Environment and CostCenter, each non-empty.",
		"profile": "strict",
	},
	"TFO-GOLDEN-013": {
		"title": "Environment tag not one of dev, stage, prod",
		"severity": "medium",
		"cis": null,
		"remediation": "Set tags.Environment to dev, stage or prod.",
		"profile": "strict",
	},
	"TFO-GOLDEN-014": {
		"title": "CostCenter tag not in the CC-NNNN format",
		"severity": "low",
		"cis": null,
		"remediation": "Set tags.CostCenter to CC- followed by four digits, e.g. CC-1042.",
		"profile": "strict",
	},
	"TFO-GOLDEN-015": {
		"title": "Environment tag does not match the deployment's account",
		"severity": "low",
		"cis": null,
		"remediation": "Make tags.Environment equal to the tfvars account_key (dev, stage or prod), or deploy the file to the matching account.",
		"profile": "strict",
	},
	"TFO-GOLDEN-016": {
		"title": "DynamoDB table entry without point-in-time recovery",
		"severity": "medium",
		"cis": null,
		"remediation": "Set point_in_time_recovery = true (the module default) in the dynamodb_tables entry.",
		"profile": "baseline",
	},
}

variables := object.get(input, "variables", {})

# An attribute of an entry with the module's default when absent or null.
attr(e, key, default_value) := v if {
	v := object.get(e, key, null)
	v != null
} else := default_value

# (No %q: the opa-wasm SDK's sprintf does not know it.)
res(name, key) := concat("", ["var.", name, "[\"", key, "\"]"])

# [key, entry] of a map-of-objects variable.
entries(name) := [[key, e] |
	some key, e in object.get(variables, name, {})
	is_object(e)
]

# --- S3 (s3_buckets) --------------------------------------------------------------------------

deny contains lib.finding("TFO-GOLDEN-001", res("s3_buckets", key), "versioning is false") if {
	lib.on(metadata, "TFO-GOLDEN-001", false)
	some [key, e] in entries("s3_buckets")
	attr(e, "versioning", true) != true
}

sse_algorithms := {"aws:kms", "aws:kms:dsse", "AES256"}

deny contains lib.finding("TFO-GOLDEN-002", res("s3_buckets", key), "sse_algorithm is not aws:kms, aws:kms:dsse or AES256") if {
	lib.on(metadata, "TFO-GOLDEN-002", false)
	some [key, e] in entries("s3_buckets")
	not attr(e, "sse_algorithm", "aws:kms") in sse_algorithms
}

deny contains lib.finding("TFO-GOLDEN-003", res("s3_buckets", key), "block_public is false: the bucket has no public access block") if {
	lib.on(metadata, "TFO-GOLDEN-003", false)
	some [key, e] in entries("s3_buckets")
	attr(e, "block_public", true) != true
}

deny contains lib.finding("TFO-GOLDEN-004", res("s3_buckets", key), "public_read is true: the bucket policy lets anyone read every object") if {
	lib.on(metadata, "TFO-GOLDEN-004", false)
	some [key, e] in entries("s3_buckets")
	attr(e, "public_read", false) == true
}

open_statement(st) if attr(st, "principal_type", "AWS") == "*"

open_statement(st) if "*" in attr(st, "principal_identifiers", [])

deny contains lib.finding("TFO-GOLDEN-005", res("s3_buckets", key), sprintf("policy_statements[%d] allows principal \"*\"", [i])) if {
	lib.on(metadata, "TFO-GOLDEN-005", false)
	some [key, e] in entries("s3_buckets")
	some i, st in attr(e, "policy_statements", [])
	attr(st, "effect", "Allow") == "Allow"
	open_statement(st)
}

# --- KMS (kms_keys) ---------------------------------------------------------------------------

symmetric(e) if {
	attr(e, "key_usage", "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT"
	attr(e, "customer_master_key_spec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
}

deny contains lib.finding("TFO-GOLDEN-006", res("kms_keys", key), "enable_key_rotation is false on a symmetric encryption key") if {
	lib.on(metadata, "TFO-GOLDEN-006", false)
	some [key, e] in entries("kms_keys")
	symmetric(e)
	attr(e, "enable_key_rotation", true) != true
}

# --- IAM (iam_roles) --------------------------------------------------------------------------

deny contains lib.finding("TFO-GOLDEN-007", res("iam_roles", key), sprintf("%s contains a wildcard principal", [list])) if {
	lib.on(metadata, "TFO-GOLDEN-007", false)
	some [key, e] in entries("iam_roles")
	some list in ["trust_accounts", "trust_services"]
	some p in attr(e, list, [])
	contains(p, "*")
}

warn contains lib.finding("TFO-GOLDEN-008", res("iam_roles", key), "managed_policy_arns attaches AdministratorAccess") if {
	lib.on(metadata, "TFO-GOLDEN-008", false)
	some [key, e] in entries("iam_roles")
	some arn in attr(e, "managed_policy_arns", [])
	endswith(arn, ":policy/AdministratorAccess")
}

# Inline policy statements: examples/offline has one object per policy, examples/aws a list.
inline_statements(e) := [st |
	some p in attr(e, "inline_policies", {})
	some st in statements_of(p)
]

statements_of(p) := p if is_array(p)

statements_of(p) := [p] if is_object(p)

deny contains lib.finding("TFO-GOLDEN-009", res("iam_roles", key), "an inline policy allows action \"*\" on resource \"*\"") if {
	lib.on(metadata, "TFO-GOLDEN-009", false)
	some [key, e] in entries("iam_roles")
	some st in inline_statements(e)
	attr(st, "effect", "Allow") == "Allow"
	some a in attr(st, "actions", [])
	a in {"*", "*:*"}
	"*" in attr(st, "resources", [])
}

# --- Lambda (lambda_functions) ----------------------------------------------------------------

# Runtimes past their AWS Lambda deprecation date (function creation blocked or soon blocked).
default_deprecated_runtimes := {
	"nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x",
	"nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x",
	"python2.7", "python3.6", "python3.7", "python3.8", "python3.9",
	"ruby2.5", "ruby2.7", "ruby3.2",
	"java8", "go1.x", "provided",
	"dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet5.0", "dotnet6", "dotnet7",
}

# Runtimes whose deprecation AWS has scheduled for 2026 (some dates may already have passed).
default_deprecating_runtimes := {"nodejs20.x", "python3.10", "java8.al2", "java11", "provided.al2", "dotnet8"}

deprecated_runtimes := lib.set_option("lambda_deprecated_runtimes", default_deprecated_runtimes)

deprecating_runtimes := lib.set_option("lambda_deprecating_runtimes", default_deprecating_runtimes)

deny contains lib.finding("TFO-GOLDEN-010", res("lambda_functions", key), sprintf("runtime %s is deprecated", [e.runtime])) if {
	lib.on(metadata, "TFO-GOLDEN-010", false)
	some [key, e] in entries("lambda_functions")
	attr(e, "runtime", "") in deprecated_runtimes
}

warn contains lib.finding("TFO-GOLDEN-011", res("lambda_functions", key), sprintf("runtime %s is at or near its deprecation date", [e.runtime])) if {
	lib.on(metadata, "TFO-GOLDEN-011", false)
	some [key, e] in entries("lambda_functions")
	attr(e, "runtime", "") in deprecating_runtimes
	not attr(e, "runtime", "") in deprecated_runtimes
}

# --- DynamoDB (dynamodb_tables) ---------------------------------------------------------------

deny contains lib.finding("TFO-GOLDEN-016", res("dynamodb_tables", key), "point_in_time_recovery is false") if {
	lib.on(metadata, "TFO-GOLDEN-016", false)
	some [key, e] in entries("dynamodb_tables")
	attr(e, "point_in_time_recovery", true) != true
}

# --- Tags (every entry of every service map, and of any map whose entries have tags) ----------

service_maps := {"s3_buckets", "kms_keys", "iam_roles", "lambda_functions", "sqs_queues", "sns_topics", "dynamodb_tables"}

tagged_entries contains [name, key, tags] if {
	some name in service_maps
	some [key, e] in entries(name)
	tags := attr(e, "tags", {})
}

tagged_entries contains [name, key, e.tags] if {
	some name, m in variables
	not name in service_maps
	is_object(m)
	some key, e in m
	is_object(e)
	is_object(e.tags)
}

required_tags := ["Owner", "Team", "Environment", "CostCenter"]

missing_tags(tags) := [t |
	some t in required_tags
	not non_empty(object.get(tags, t, ""))
]

non_empty(v) if {
	is_string(v)
	trim_space(v) != ""
}

deny contains lib.finding("TFO-GOLDEN-012", res(name, key), sprintf("tags lack %s (or they are empty)", [concat(", ", missing)])) if {
	lib.on(metadata, "TFO-GOLDEN-012", false)
	some [name, key, tags] in tagged_entries
	is_object(tags)
	missing := missing_tags(tags)
	count(missing) > 0
}

environments := {"dev", "stage", "prod"}

deny contains lib.finding("TFO-GOLDEN-013", res(name, key), "tags.Environment is not one of dev, stage, prod") if {
	lib.on(metadata, "TFO-GOLDEN-013", false)
	some [name, key, tags] in tagged_entries
	env := object.get(tags, "Environment", "")
	non_empty(env)
	not env in environments
}

digits := {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

# ^CC-[0-9]{4}$ without regex builtins.
cost_center_ok(v) if {
	is_string(v)
	count(v) == 7
	startswith(v, "CC-")
	every i in numbers.range(3, 6) {
		substring(v, i, 1) in digits
	}
}

deny contains lib.finding("TFO-GOLDEN-014", res(name, key), "tags.CostCenter does not match CC-NNNN (four digits)") if {
	lib.on(metadata, "TFO-GOLDEN-014", false)
	some [name, key, tags] in tagged_entries
	cc := object.get(tags, "CostCenter", "")
	non_empty(cc)
	not cost_center_ok(cc)
}

warn contains lib.finding("TFO-GOLDEN-015", res(name, key), "tags.Environment differs from the tfvars account_key") if {
	lib.on(metadata, "TFO-GOLDEN-015", false)
	account := object.get(variables, "account_key", "")
	account in environments
	some [name, key, tags] in tagged_entries
	env := object.get(tags, "Environment", "")
	env in environments
	env != account
}

# SSM: Parameter Store parameters and shared documents.
package tfo.rules.ssm

import data.tfo.lib

metadata := {
	"TFO-SSM-001": {
		"title": "SSM parameter holding a secret is not a SecureString",
		"severity": "high",
		"cis": null,
		"remediation": "Use type = \"SecureString\" (with key_id set to a customer managed KMS key) for passwords, tokens, keys and credentials; a String or StringList is stored unencrypted and returned in clear to anyone with ssm:GetParameter. Rotate the exposed secret.",
		"profile": "baseline",
	},
	"TFO-SSM-002": {
		"title": "SSM parameter secret set with insecure_value",
		"severity": "high",
		"cis": null,
		"remediation": "insecure_value is not sensitive: the value is printed in the plan and stored in clear in the plan file and the state. Use value (sensitive) or, better, value_wo with value_wo_version (write-only: never in plan or state). Rotate the exposed secret.",
		"profile": "baseline",
	},
	"TFO-SSM-003": {
		"title": "SecureString parameter not encrypted with a customer managed key where KMS is required",
		"severity": "medium",
		"cis": null,
		"remediation": "Set key_id to a customer managed KMS key (tfo_options.kms_required contains \"ssm\"); without it the AWS managed key alias/aws/ssm is used.",
		"profile": "baseline",
	},
	"TFO-SSM-004": {
		"title": "SSM parameter is destroyed (deleted or replaced)",
		"severity": "medium",
		"cis": null,
		"remediation": "Check the plan: the parameter and its value history are deleted (a replacement re-creates it from the configuration). Revert the change that forces it (name, ...), or make sure nothing still reads it.",
		"profile": "baseline",
	},
	"TFO-SSM-005": {
		"title": "SSM document is shared with every AWS account",
		"severity": "critical",
		"cis": null,
		"remediation": "Set permissions.account_ids to the account ids that need the document instead of \"All\" (a public document exposes its commands, parameters and any embedded details).",
		"profile": "baseline",
	},
	"TFO-SSM-006": {
		"title": "SSM parameter secret is written as a literal in the configuration",
		"severity": "high",
		"cis": null,
		"remediation": "Do not commit secrets to the repository: pass the value from a sensitive variable filled by the pipeline, from a generated or fetched value (random_password, a Secrets Manager data source), or set it out of band with lifecycle { ignore_changes = [value] }. Rotate the exposed secret.",
		"profile": "baseline",
	},
}

parameters := lib.configured("aws_ssm_parameter")

# --- what makes a parameter hold a secret ----------------------------------------------------------

# Words that say "secret" in a parameter's name or description.
secret_words := `(?i)(password|passw|passwd|pwd|secret|token|api[-_ ]?key|apikey|private[-_ ]?key|access[-_ ]?key|credential|client[-_ ]?secret|connection[-_ ]?string)`

# A name that says where a secret is (an ARN, a name, an id, a path) or a property of it.
reference_name := `(?i)[-_./](arn|name|id|path|url|uri|endpoint|host|user|username|length|ttl|version|rotation|policy|expiry|expiration|expires|enabled)$`

# A description that talks about a secret held elsewhere.
reference_description := `(?i)\b(arn|name|id|path|location|reference|identifier|rotation|policy)\b`

# Credential shapes in a readable value, by kind (a message names the kind, never the text).
secret_patterns := {
	"an AWS access key id": `(A3T[A-Z0-9]|AKIA|ASIA)[A-Z0-9]{16}`,
	"a private key": `-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`,
	"a password assignment": `(?i)(password|passwd|pwd|secret)["']?\s*[=:]\s*\S`,
	"a GitHub token": `(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}`,
	"a Slack token": `xox[baprs]-[A-Za-z0-9-]{10,}`,
	"a Stripe secret key": `sk_live_[A-Za-z0-9]{16,}`,
	"a JSON web token": `eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.`,
}

# References whose value is a secret (attributes of resources that generate or hold one).
secret_reference := `^(random_password\.[^.]+\.(result|bcrypt_hash)|tls_private_key\.[^.]+\.private_key|aws_iam_access_key\.[^.]+\.(secret|ses_smtp_password_v4)|aws_db_instance\.[^.]+\.password|aws_secretsmanager_secret_version\.[^.]+\.secret_string|data\.aws_secretsmanager_secret_version\.[^.]+\.secret_string)`

# Why a parameter holds a secret: every way it shows (a message uses one of them).
secret_reasons(r) := (((name_reasons(r) | description_reasons(r)) | insecure_value_reasons(r)) | literal_reasons(r)) | source_reasons(r)

name_reasons(r) := {"its name says so" |
	name := lib.get(r, "name", "")
	regex.match(secret_words, name)
	not regex.match(reference_name, name)
}

description_reasons(r) := {"its description says so" |
	description := lib.get(r, "description", "")
	regex.match(secret_words, description)
	not regex.match(reference_description, description)
	not regex.match(reference_name, lib.get(r, "name", ""))
}

insecure_value_reasons(r) := {x |
	text := lib.get(r, "insecure_value", "")
	is_string(text)
	not startswith(text, "arn:")
	some kind, pattern in secret_patterns
	regex.match(pattern, text)
	x := sprintf("its insecure_value looks like %s", [kind])
} | {"its insecure_value is marked sensitive" | "insecure_value" in object.get(r, "sensitive", [])}

# A literal in the configuration (the plan's `after` shows only "(sensitive)" for value).
literal_reasons(r) := {x |
	some c in lib.config_resources(r)
	some attr in ["value", "value_wo"]
	text := c.expressions[attr].constant_value
	is_string(text)
	some kind, pattern in secret_patterns
	regex.match(pattern, text)
	x := sprintf("its value looks like %s", [kind])
}

source_reasons(r) := {x |
	some attr in ["value", "value_wo", "insecure_value"]
	some source in value_sources(r, attr)
	x := sprintf("its value comes from %s", [source])
}

# Secret sources an attribute's expression references: a sensitive variable of the module, or an
# attribute that holds a secret (secret_reference).
value_sources(r, attr) := {source |
	some c in lib.config_resources(r)
	some ref in object.get(c, ["expressions", attr, "references"], [])
	source := secret_source(r, ref)
}

secret_source(r, ref) := sprintf("the sensitive variable %s", [ref]) if {
	parts := split(ref, ".")
	parts[0] == "var"
	variables := object.get(lib.config_module(lib.module_prefix(r)), "variables", {})
	object.get(variables, [parts[1], "sensitive"], false) == true
} else := ref if {
	regex.match(secret_reference, ref)
}

secret(r) if count(secret_reasons(r)) > 0

# A reason to put in a message (the first in sort order, so messages are stable).
reason(r) := sort([x | some x in secret_reasons(r)])[0]

# --- TFO-SSM-001: secrets in String / StringList ------------------------------------------------------

deny contains lib.finding("TFO-SSM-001", r.address, msg) if {
	lib.on(metadata, "TFO-SSM-001", false)
	some r in parameters
	type := lib.get(r, "type", "")
	type in {"String", "StringList"}
	secret(r)
	msg := sprintf("type is %s but the parameter holds a secret (%s): it is stored unencrypted", [type, reason(r)])
}

warn contains lib.unknown_finding("TFO-SSM-001", r.address, "type") if {
	lib.on(metadata, "TFO-SSM-001", false)
	some r in parameters
	lib.is_unknown(r, "type")
	secret(r)
}

# --- TFO-SSM-002: insecure_value on a secret ----------------------------------------------------------

# insecure_value is Optional+Computed: the plan lists it as unknown when it is not written.
insecure_value_set(r) if lib.get(r, "insecure_value", "") != ""

insecure_value_set(r) if lib.set_unknown(r, "insecure_value")

deny contains lib.finding("TFO-SSM-002", r.address, msg) if {
	lib.on(metadata, "TFO-SSM-002", false)
	some r in parameters
	insecure_value_set(r)
	why := insecure_why(r)
	msg := sprintf("insecure_value is set on %s: the value is in clear in the plan and the state", [why])
}

insecure_why(r) := "a SecureString parameter" if {
	lib.get(r, "type", "") == "SecureString"
} else := sprintf("a parameter that holds a secret (%s)", [reason(r)]) if {
	secret(r)
}

# --- TFO-SSM-003: customer managed key where KMS is required ------------------------------------------
# key_id is a presence check (a key of the same plan is set); alias/aws/ssm is the AWS managed key.

aws_managed_key(r) if lib.get(r, "key_id", "") in {"alias/aws/ssm", "aws/ssm"}

# Known to be empty (e.g. a module variable left null).
aws_managed_key(r) if {
	not lib.present(r, "key_id")
	not lib.unknown_value(r, "key_id")
}

# Not written: key_id is computed (listed as unknown in the plan) and AWS picks alias/aws/ssm.
aws_managed_key(r) if {
	lib.unknown_value(r, "key_id")
	not lib.configured_attr(r, "key_id")
	not lib.present(r, "key_id")
}

secure_strings contains r if {
	lib.kms_required("ssm")
	some r in parameters
	lib.get(r, "type", "") == "SecureString"
}

deny contains lib.finding("TFO-SSM-003", r.address, "key_id is not a customer managed key (the AWS managed key alias/aws/ssm is used) and tfo_options.kms_required contains \"ssm\"") if {
	lib.on(metadata, "TFO-SSM-003", false)
	some r in secure_strings
	aws_managed_key(r)
}

warn contains lib.unknown_finding("TFO-SSM-003", r.address, "key_id") if {
	lib.on(metadata, "TFO-SSM-003", false)
	some r in secure_strings
	lib.presence_unknown(r, "key_id")
	lib.configured_attr(r, "key_id")
	not configured_from_managed(r)
}

# Written from a reference to a resource of the plan: set, even without the normaliser's `set`.
configured_from_managed(r) if {
	some c in lib.config_resources(r)
	some ref in object.get(c, ["expressions", "key_id", "references"], [])
	startswith(ref, "aws_")
}

# --- TFO-SSM-004: destruction, graded -------------------------------------------------------------------

deny contains lib.finding("TFO-SSM-004", r.address, destroyed_message(r)) if {
	lib.on(metadata, "TFO-SSM-004", false)
	some r in lib.destroyed("aws_ssm_parameter")
	lib.destroy_blocks(r)
}

warn contains lib.finding("TFO-SSM-004", r.address, destroyed_message(r)) if {
	lib.on(metadata, "TFO-SSM-004", false)
	some r in lib.destroyed("aws_ssm_parameter")
	not lib.destroy_blocks(r)
}

destroyed_message(r) := sprintf("aws_ssm_parameter is %s: readers of the parameter lose it until it is re-created", [lib.destroyed_word[r.change]])

# --- TFO-SSM-005: public documents ------------------------------------------------------------------------

deny contains lib.finding("TFO-SSM-005", r.address, "permissions.account_ids is \"All\": every AWS account can see and run the document") if {
	lib.on(metadata, "TFO-SSM-005", false)
	some r in lib.configured("aws_ssm_document")
	permissions := lib.get(r, "permissions", {})
	lower(object.get(permissions, "type", "")) == "share"
	some id in split(object.get(permissions, "account_ids", ""), ",")
	lower(trim_space(id)) == "all"
}

# --- TFO-SSM-006: secret literals in the configuration -------------------------------------------------------
# The configuration (and so the repository) holds the value: seen in the plan's configuration as a
# constant. Placeholders set once and changed out of band are not secrets.

placeholder := `(?i)^(|-|none|null|n/a|tbd|todo|dummy|placeholder|change[-_ ]?me|changeit|replace[-_ ]?me|set[-_ ]?me|to[-_ ]?be[-_ ]?set|default|empty|x+|\*+|<[^>]*>|\$\{[^}]*\})$`

deny contains lib.finding("TFO-SSM-006", r.address, sprintf("%s is a literal in the configuration of a parameter that holds a secret (%s)", [attr, literal_why(r)])) if {
	lib.on(metadata, "TFO-SSM-006", false)
	some r in parameters
	some c in lib.config_resources(r)
	some attr in ["value", "value_wo"]
	text := c.expressions[attr].constant_value
	is_string(text)
	not regex.match(placeholder, trim_space(text))
	literal_secret(r)
}

literal_secret(r) if secret(r)

literal_secret(r) if lib.get(r, "type", "") == "SecureString"

literal_why(r) := reason(r) if {
	secret(r)
} else := "a SecureString"

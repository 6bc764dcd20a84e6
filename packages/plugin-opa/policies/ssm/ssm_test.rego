package tfo.rules.ssm_test

import data.tfo.rules.ssm

hits(findings, id, resource) := [f | some f in findings; f.id == id; f.resource == resource]

ids(findings) := {f.id | some f in findings}

compliant := data.testdata.ssm.compliant

violating := data.testdata.ssm.violating

kms_ssm := {"kms_required": ["ssm"]}

test_compliant_has_no_findings if {
	count(ssm.deny) == 0 with input as compliant
	count(ssm.warn) == 0 with input as compliant
	count(ssm.deny) == 0 with input as compliant with data.tfo_options as kms_ssm
	count(ssm.warn) == 0 with input as compliant with data.tfo_options as kms_ssm
}

test_metadata_complete if {
	every id, m in ssm.metadata {
		regex.match(`^TFO-SSM-[0-9]{3}$`, id)
		m.severity in {"critical", "high", "medium", "low"}
		m.title != ""
		m.remediation != ""
		m.profile in {"baseline", "strict"}
		"cis" in object.keys(m)
	}
	findings := ssm.deny | ssm.warn with input as violating with data.tfo_options as kms_ssm
	every f in findings {
		ssm.metadata[f.id]
	}
}

# The fixtures' values all contain "not-a-real"; no message may repeat a value.
test_messages_never_echo_values if {
	findings := ssm.deny | ssm.warn with input as violating with data.tfo_options as kms_ssm
	count(findings) > 0
	every f in findings {
		not contains(f.message, "not-a-real")
		not contains(f.message, "PRIVATE KEY")
	}
}

# TFO-SSM-001
test_001_secrets_in_plain_parameters_denied if {
	[a] := hits(ssm.deny, "TFO-SSM-001", "aws_ssm_parameter.db_password") with input as violating
	contains(a.message, "its name says so")
	[b] := hits(ssm.deny, "TFO-SSM-001", "aws_ssm_parameter.ci_keys") with input as violating
	contains(b.message, "aws_iam_access_key.ci.secret")
	contains(b.message, "StringList")
	[c] := hits(ssm.deny, "TFO-SSM-001", "aws_ssm_parameter.deploy") with input as violating
	contains(c.message, "a private key")
	count(hits(ssm.deny, "TFO-SSM-001", "aws_ssm_parameter.github_token")) == 1 with input as violating
}

# compliant: secrets are SecureString; log level, origins and a secret's ARN are plain values.
test_001_plain_configuration_passes if {
	not "TFO-SSM-001" in ids(ssm.deny) with input as compliant
	count(hits(ssm.deny, "TFO-SSM-001", "aws_ssm_parameter.signing")) == 0 with input as violating
}

test_001_description_sensitive_value_and_sensitive_variable if {
	[d] := hits(ssm.deny, "TFO-SSM-001", "aws_ssm_parameter.p") with input as one({"description": "Admin password of the portal"}, {}, [])
	contains(d.message, "description")
	count(ssm.deny) == 0 with input as one({"description": "Name of the secret that holds the admin password"}, {}, [])
	[s] := hits(ssm.deny, "TFO-SSM-001", "aws_ssm_parameter.p") with input as one({"insecure_value": "(sensitive)"}, {}, ["insecure_value"])
	contains(s.message, "marked sensitive")
	v := object.union(one({}, {"value": {"references": ["var.pw"]}}, []), {"plan": {"configuration": {"root_module": {"variables": {"pw": {"sensitive": true}}}}}})
	[x] := hits(ssm.deny, "TFO-SSM-001", "aws_ssm_parameter.p") with input as v
	contains(x.message, "the sensitive variable var.pw")
	count(ssm.deny) == 0 with input as one({}, {"value": {"references": ["var.pw"]}}, [])
}

test_001_reference_names_pass if {
	count(ssm.deny) == 0 with input as one({"name": "/app/db/password-secret-arn"}, {}, [])
	count(ssm.deny) == 0 with input as one({"name": "/app/api-token/ttl"}, {}, [])
	count(hits(ssm.deny, "TFO-SSM-001", "aws_ssm_parameter.p")) == 1 with input as one({"name": "/app/api-token"}, {}, [])
}

test_001_unknown_type_warns if {
	p := one({"name": "/app/db/password"}, {}, [])
	r := object.union(p.resources[0], {"after": {"type": null}, "unknown": ["type"]})
	[w] := hits(ssm.warn, "TFO-SSM-001", "aws_ssm_parameter.p") with input as {"resources": [r], "plan": p.plan}
	w.unknown
}

# A String parameter with a plain name and a plain value (everything but what a test changes).
one(after, expressions, sensitive) := {
	"resources": [{
		"address": "aws_ssm_parameter.p", "module": "", "type": "aws_ssm_parameter", "name": "p", "mode": "managed",
		"config_address": "aws_ssm_parameter.p", "change": "create", "configures": true, "unknown": [],
		"sensitive": sensitive, "after": object.union({"name": "/app/portal/settings", "type": "String"}, after),
	}],
	"plan": {"configuration": {"root_module": {"resources": [{"address": "aws_ssm_parameter.p", "mode": "managed", "expressions": expressions}]}}},
}

# TFO-SSM-002
test_002_insecure_value_on_secrets_denied if {
	[s] := hits(ssm.deny, "TFO-SSM-002", "aws_ssm_parameter.signing") with input as violating
	contains(s.message, "SecureString")
	count(hits(ssm.deny, "TFO-SSM-002", "aws_ssm_parameter.github_token")) == 1 with input as violating
	count(hits(ssm.deny, "TFO-SSM-002", "aws_ssm_parameter.deploy")) == 1 with input as violating
}

# compliant: insecure_value on a log level and on a secret's ARN.
test_002_insecure_value_on_plain_values_passes if {
	not "TFO-SSM-002" in ids(ssm.deny) with input as compliant
	count(hits(ssm.deny, "TFO-SSM-002", "aws_ssm_parameter.db_password")) == 0 with input as violating
}

# TFO-SSM-003
test_003_aws_managed_key_denied_when_required if {
	count(hits(ssm.deny, "TFO-SSM-003", "aws_ssm_parameter.smtp_password")) == 1 with input as violating with data.tfo_options as kms_ssm
	count(hits(ssm.deny, "TFO-SSM-003", "aws_ssm_parameter.signing")) == 1 with input as violating with data.tfo_options as kms_ssm
	fs := ssm.deny with input as one({"type": "SecureString", "key_id": "alias/aws/ssm"}, {}, []) with data.tfo_options as kms_ssm
	count(hits(fs, "TFO-SSM-003", "aws_ssm_parameter.p")) == 1
}

test_003_customer_key_or_option_off_passes if {
	not "TFO-SSM-003" in ids(ssm.deny) with input as violating
	count(hits(ssm.deny, "TFO-SSM-003", "aws_ssm_parameter.jenkins_password")) == 0 with input as violating with data.tfo_options as kms_ssm
	not "TFO-SSM-003" in ids(ssm.deny | ssm.warn) with input as compliant with data.tfo_options as kms_ssm
}

# key_id from the normaliser's `set` passes; written but unknown from something else cannot be decided.
test_003_presence if {
	p := one({"type": "SecureString"}, {"key_id": {"references": ["var.key"]}}, [])
	set := object.union(p.resources[0], {"unknown": ["key_id"], "set": ["key_id"]})
	count(ssm.deny | ssm.warn) == 0 with input as {"resources": [set], "plan": p.plan} with data.tfo_options as kms_ssm
	unset := object.union(p.resources[0], {"unknown": ["key_id"]})
	[w] := hits(ssm.warn, "TFO-SSM-003", "aws_ssm_parameter.p") with input as {"resources": [unset], "plan": p.plan} with data.tfo_options as kms_ssm
	w.unknown
	null_key := one({"type": "SecureString", "key_id": null}, {"key_id": {"references": ["var.key"]}}, [])
	count(hits(ssm.deny, "TFO-SSM-003", "aws_ssm_parameter.p")) == 1 with input as null_key with data.tfo_options as kms_ssm
}

# TFO-SSM-004
test_004_destroy_warns if {
	p := one({}, {}, [])
	gone := object.union(p.resources[0], {"change": "delete", "configures": false, "after": null})
	[w] := hits(ssm.warn, "TFO-SSM-004", "aws_ssm_parameter.p") with input as {"resources": [gone]}
	contains(w.message, "deleted")
	count(ssm.deny) == 0 with input as {"resources": [gone]}
	fs := ssm.deny with input as {"resources": [gone]} with data.tfo_options as {"destroy": {"block": ["aws_ssm_parameter"]}}
	count(hits(fs, "TFO-SSM-004", "aws_ssm_parameter.p")) == 1
}

test_004_create_passes if {
	not "TFO-SSM-004" in ids(ssm.warn | ssm.deny) with input as violating
}

# TFO-SSM-005
test_005_public_document_denied if {
	count(hits(ssm.deny, "TFO-SSM-005", "aws_ssm_document.public")) == 1 with input as violating
}

test_005_named_accounts_pass if {
	not "TFO-SSM-005" in ids(ssm.deny) with input as compliant
}

# TFO-SSM-006
test_006_literal_secret_denied if {
	[f] := hits(ssm.deny, "TFO-SSM-006", "aws_ssm_parameter.jenkins_password") with input as violating
	contains(f.message, "value is a literal")
	key := one({"type": "SecureString"}, {"value_wo": {"constant_value": "AKIAABCDEFGHIJKLMNOP"}}, [])
	[k] := hits(ssm.deny, "TFO-SSM-006", "aws_ssm_parameter.p") with input as key
	contains(k.message, "an AWS access key id")
}

# compliant: a placeholder changed out of band, values from variables, plain literals.
test_006_placeholders_and_references_pass if {
	not "TFO-SSM-006" in ids(ssm.deny) with input as compliant
	count(ssm.deny) == 0 with input as one({"type": "SecureString"}, {"value": {"constant_value": "changeme"}}, [])
}

# EC2: instances, launch templates and EBS.
package tfo.rules.ec2

import data.tfo.lib

metadata := {
	"TFO-EC2-001": {
		"title": "EC2 instance does not require IMDSv2",
		"severity": "high",
		"cis": "5.6",
		"remediation": "Add metadata_options { http_tokens = \"required\" } to the aws_instance.",
		"profile": "baseline",
	},
	"TFO-EC2-002": {
		"title": "EC2 instance block device is not encrypted",
		"severity": "high",
		"cis": "2.2.1",
		"remediation": "Set encrypted = true on root_block_device and every ebs_block_device (or enable aws_ebs_encryption_by_default).",
		"profile": "baseline",
	},
	"TFO-EC2-003": {
		"title": "EC2 instance gets a public IP address",
		"severity": "high",
		"cis": null,
		"remediation": "Set associate_public_ip_address = false and put the instance behind a load balancer, NAT or Session Manager.",
		"profile": "baseline",
	},
	"TFO-EC2-004": {
		"title": "Secret in EC2 user data",
		"severity": "critical",
		"cis": null,
		"remediation": "Remove credentials from user_data (readable by anyone who can describe the instance or reach IMDS); fetch them at boot from Secrets Manager or SSM Parameter Store with the instance role. Rotate the exposed credential.",
		"profile": "baseline",
	},
	"TFO-EC2-005": {
		"title": "EC2 user data cannot be inspected for secrets",
		"severity": "low",
		"cis": null,
		"remediation": "The plan only shows a hash of user_data built from expressions; make sure the template it comes from holds no credentials (prefer user_data_base64 or a literal so the gate can check it).",
		"profile": "strict",
	},
	"TFO-EC2-006": {
		"title": "EBS volume is not encrypted",
		"severity": "high",
		"cis": "2.2.1",
		"remediation": "Set encrypted = true (and kms_key_id for a customer managed key) on aws_ebs_volume.",
		"profile": "baseline",
	},
	"TFO-EC2-007": {
		"title": "EBS encryption by default is disabled",
		"severity": "high",
		"cis": "2.2.1",
		"remediation": "Set enabled = true on aws_ebs_encryption_by_default.",
		"profile": "baseline",
	},
	"TFO-EC2-008": {
		"title": "Launch template does not require IMDSv2",
		"severity": "high",
		"cis": "5.6",
		"remediation": "Add metadata_options { http_tokens = \"required\" } to the aws_launch_template.",
		"profile": "baseline",
	},
	"TFO-EC2-009": {
		"title": "Launch template EBS block device is not encrypted",
		"severity": "high",
		"cis": "2.2.1",
		"remediation": "Set ebs { encrypted = \"true\" } in every block_device_mappings of the aws_launch_template.",
		"profile": "baseline",
	},
	"TFO-EC2-010": {
		"title": "EC2 detailed monitoring is disabled",
		"severity": "low",
		"cis": null,
		"remediation": "Set monitoring = true on aws_instance (monitoring { enabled = true } on aws_launch_template).",
		"profile": "strict",
	},
	"TFO-EC2-011": {
		"title": "EC2 instance is not EBS-optimized",
		"severity": "low",
		"cis": null,
		"remediation": "Set ebs_optimized = true (or leave it unset on instance types that are EBS-optimized by default).",
		"profile": "strict",
	},
	"TFO-EC2-012": {
		"title": "EC2 instance has no IAM instance profile",
		"severity": "low",
		"cis": null,
		"remediation": "Set iam_instance_profile to a profile with a least-privilege role (at least SSM access instead of long-lived keys).",
		"profile": "strict",
	},
	"TFO-EC2-013": {
		"title": "EBS volume is destroyed (deleted or replaced)",
		"severity": "high",
		"cis": null,
		"remediation": "Check the plan: the volume and its data are destroyed. Snapshot it first, or revert the change that forces the replacement (availability_zone, snapshot_id, encrypted, ...).",
		"profile": "baseline",
	},
}

# --- helpers -----------------------------------------------------------------------------------

# EBS encryption by default is turned on by this plan (or kept on).
encryption_by_default if {
	some r in lib.of_type("aws_ebs_encryption_by_default")
	r.change != "delete"
	lib.get(r, "enabled", false) == true
}

# Block devices of an instance: [attribute, index, block].
instance_block_devices(r) := [[attr, i, b] |
	some attr in ["root_block_device", "ebs_block_device"]
	some i, b in lib.get(r, attr, [])
]

# Credential patterns in user data, by kind (the message names the kind, never the text).
secret_patterns := {
	"an AWS access key id": `(A3T[A-Z0-9]|AKIA|ASIA)[A-Z0-9]{16}`,
	"an AWS secret access key assignment": `(?i)aws_secret_access_key`,
	"a password assignment": `(?i)(password|passwd|pwd)["']?\s*[=:]`,
	"a private key": `-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`,
}

# Readable user data of a resource: [attribute, text]. The provider stores aws_instance.user_data
# as a hash, so only a literal in the configuration is readable; the base64 forms are kept as is.
user_data_sources(r) := array.concat(
	[["user_data", text] |
		r.type == "aws_instance"
		some c in lib.config_resources(r)
		text := c.expressions.user_data.constant_value
		is_string(text)
	],
	[[attr, text] |
		some attr in base64_attrs[r.type]
		encoded := lib.get(r, attr, "")
		is_string(encoded)
		encoded != ""
		base64.is_valid(encoded)
		text := base64.decode(encoded)
	],
)

base64_attrs := {
	"aws_instance": ["user_data_base64"],
	"aws_launch_template": ["user_data"],
}

user_data_types := {"aws_instance", "aws_launch_template"}

# --- TFO-EC2-001: IMDSv2 on instances ------------------------------------------------------

deny contains lib.finding("TFO-EC2-001", r.address, msg) if {
	lib.on(metadata, "TFO-EC2-001", false)
	some r in lib.configured("aws_instance")
	msg := imds_violation(r)
}

warn contains lib.unknown_finding("TFO-EC2-001", r.address, "metadata_options.http_tokens") if {
	lib.on(metadata, "TFO-EC2-001", false)
	some r in lib.configured("aws_instance")
	imds_unknown(r)
}

# Launch templates and instances share the IMDS checks.
# The block left out is not an unknown: instances then follow the AMI/account default (IMDSv1 allowed).
imds_violation(r) := "metadata_options is not set: http_tokens is left to the AMI/account default (IMDSv1 allowed)" if {
	not lib.configured_attr(r, "metadata_options")
	not imds_tokens_known(r)
} else := sprintf("metadata_options.http_tokens is \"%s\", not \"required\"", [tokens]) if {
	tokens := lib.get(r, "metadata_options", [])[0].http_tokens
	is_string(tokens)
	tokens != "required"
}

imds_tokens_known(r) if is_string(lib.get(r, "metadata_options", [])[0].http_tokens)

imds_unknown(r) if {
	lib.configured_attr(r, "metadata_options")
	not imds_tokens_known(r)
}

# --- TFO-EC2-002: instance block devices -----------------------------------------------------

deny contains lib.finding("TFO-EC2-002", r.address, sprintf("%s.%d.encrypted is false", [attr, i])) if {
	lib.on(metadata, "TFO-EC2-002", false)
	some r in lib.configured("aws_instance")
	some [attr, i, b] in instance_block_devices(r)
	b.encrypted == false
}

warn contains lib.unknown_finding("TFO-EC2-002", r.address, sprintf("%s.encrypted", [attr])) if {
	lib.on(metadata, "TFO-EC2-002", false)
	some r in lib.configured("aws_instance")
	not encryption_by_default
	some attr in ["root_block_device", "ebs_block_device"]
	block_encryption_unknown(r, attr)
}

# The block is left to AWS (root volume) or its encrypted flag is not in the plan.
block_encryption_unknown(r, "root_block_device") if {
	not lib.configured_attr(r, "root_block_device")
}

block_encryption_unknown(r, attr) if {
	some [a, _, b] in instance_block_devices(r)
	a == attr
	object.get(b, "encrypted", null) == null
}

# --- TFO-EC2-003: public IP --------------------------------------------------------------------

deny contains lib.finding("TFO-EC2-003", r.address, "associate_public_ip_address is true") if {
	lib.on(metadata, "TFO-EC2-003", false)
	some r in lib.configured("aws_instance")
	lib.get(r, "associate_public_ip_address", false) == true
}

warn contains lib.unknown_finding("TFO-EC2-003", r.address, "associate_public_ip_address") if {
	lib.on(metadata, "TFO-EC2-003", false)
	some r in lib.configured("aws_instance")
	lib.set_unknown(r, "associate_public_ip_address")
}

# --- TFO-EC2-004 / 005: secrets in user data ----------------------------------------------------

deny contains lib.finding("TFO-EC2-004", r.address, msg) if {
	lib.on(metadata, "TFO-EC2-004", false)
	some type in user_data_types
	some r in lib.configured(type)
	some [attr, text] in user_data_sources(r)
	some kind, pattern in secret_patterns
	regex.match(pattern, text)
	msg := sprintf("%s contains what looks like %s", [attr, kind])
}

# aws_instance.user_data is only a hash in the plan: readable only when it is a literal.
warn contains lib.finding("TFO-EC2-005", r.address, "user_data is built from expressions and the plan holds only its hash: it cannot be checked for secrets") if {
	lib.on(metadata, "TFO-EC2-005", false)
	some r in lib.configured("aws_instance")
	lib.get(r, "user_data", "") != ""
	count([t | some ["user_data", t] in user_data_sources(r)]) == 0
}

warn contains lib.unknown_finding("TFO-EC2-005", r.address, attr) if {
	lib.on(metadata, "TFO-EC2-005", false)
	some type in user_data_types
	some r in lib.configured(type)
	some attr in base64_attrs[type]
	lib.set_unknown(r, attr)
}

# --- TFO-EC2-006: EBS volumes ---------------------------------------------------------------------

deny contains lib.finding("TFO-EC2-006", r.address, "encrypted is false") if {
	lib.on(metadata, "TFO-EC2-006", false)
	some r in lib.configured("aws_ebs_volume")
	lib.get(r, "encrypted", null) == false
}

# Left to the account default: fine when this plan turns encryption by default on.
warn contains lib.unknown_finding("TFO-EC2-006", r.address, "encrypted") if {
	lib.on(metadata, "TFO-EC2-006", false)
	some r in lib.configured("aws_ebs_volume")
	lib.is_unknown(r, "encrypted")
	not encryption_by_default
}

# --- TFO-EC2-007: encryption by default -------------------------------------------------------------

deny contains lib.finding("TFO-EC2-007", r.address, "enabled is false: new EBS volumes are not encrypted by default") if {
	lib.on(metadata, "TFO-EC2-007", false)
	some r in lib.configured("aws_ebs_encryption_by_default")
	lib.get(r, "enabled", true) == false
}

# --- TFO-EC2-008: IMDSv2 on launch templates ---------------------------------------------------------

deny contains lib.finding("TFO-EC2-008", r.address, msg) if {
	lib.on(metadata, "TFO-EC2-008", false)
	some r in lib.configured("aws_launch_template")
	msg := imds_violation(r)
}

warn contains lib.unknown_finding("TFO-EC2-008", r.address, "metadata_options.http_tokens") if {
	lib.on(metadata, "TFO-EC2-008", false)
	some r in lib.configured("aws_launch_template")
	imds_unknown(r)
}

# --- TFO-EC2-009: launch template block devices --------------------------------------------------------
# "false" blocks. Left unset, the volume follows its snapshot and the account's encryption by
# default: fine when this plan turns it on, else the rule cannot decide.

deny contains lib.finding("TFO-EC2-009", r.address, msg) if {
	lib.on(metadata, "TFO-EC2-009", false)
	some r in lib.configured("aws_launch_template")
	some [i, ebs] in template_ebs(r)
	ebs.encrypted == "false"
	msg := sprintf("block_device_mappings.%d.ebs.encrypted is \"false\"", [i])
}

warn contains lib.unknown_finding("TFO-EC2-009", r.address, sprintf("block_device_mappings.%d.ebs.encrypted", [i])) if {
	lib.on(metadata, "TFO-EC2-009", false)
	some r in lib.configured("aws_launch_template")
	not encryption_by_default
	some [i, ebs] in template_ebs(r)
	object.get(ebs, "encrypted", "") in {"", null}
}

template_ebs(r) := [[i, ebs] |
	some i, m in lib.get(r, "block_device_mappings", [])
	some ebs in object.get(m, "ebs", [])
]

# --- TFO-EC2-010: detailed monitoring -------------------------------------------------------------------

warn contains lib.finding("TFO-EC2-010", r.address, "monitoring is not enabled") if {
	lib.on(metadata, "TFO-EC2-010", false)
	some r in lib.configured("aws_instance")
	not lib.get(r, "monitoring", false) == true
	not monitoring_unknown(r)
}

warn contains lib.unknown_finding("TFO-EC2-010", r.address, "monitoring") if {
	lib.on(metadata, "TFO-EC2-010", false)
	some r in lib.configured("aws_instance")
	monitoring_unknown(r)
}

# Unset, it defaults to false (not an unknown); only an expression unknown until apply is.
monitoring_unknown(r) if lib.set_unknown(r, "monitoring")

warn contains lib.finding("TFO-EC2-010", r.address, "monitoring.enabled is not true") if {
	lib.on(metadata, "TFO-EC2-010", false)
	some r in lib.configured("aws_launch_template")
	not lib.get(r, "monitoring", [])[0].enabled == true
}

# --- TFO-EC2-011: EBS-optimized ---------------------------------------------------------------------------

# Unset, it defaults by instance type (most current types are EBS-optimized): only false is reported.
warn contains lib.finding("TFO-EC2-011", r.address, "ebs_optimized is false") if {
	lib.on(metadata, "TFO-EC2-011", false)
	some r in lib.configured("aws_instance")
	lib.get(r, "ebs_optimized", null) == false
}

# --- TFO-EC2-012: instance profile -------------------------------------------------------------------------

warn contains lib.finding("TFO-EC2-012", r.address, "iam_instance_profile is not set") if {
	lib.on(metadata, "TFO-EC2-012", false)
	some r in lib.configured("aws_instance")
	lib.get(r, "iam_instance_profile", "") == ""
	not lib.configured_attr(r, "iam_instance_profile")
}

# --- TFO-EC2-013: EBS volume destruction ----------------------------------------------------------------------
# Graded with lib.destroy_blocks: a volume blocks unless tfo_options.destroy.warn lists aws_ebs_volume.

deny contains lib.finding("TFO-EC2-013", r.address, volume_destroyed(r)) if {
	lib.on(metadata, "TFO-EC2-013", false)
	some r in lib.destroyed("aws_ebs_volume")
	lib.destroy_blocks(r)
}

warn contains lib.finding("TFO-EC2-013", r.address, volume_destroyed(r)) if {
	lib.on(metadata, "TFO-EC2-013", false)
	some r in lib.destroyed("aws_ebs_volume")
	not lib.destroy_blocks(r)
}

volume_destroyed(r) := sprintf("aws_ebs_volume is %s: the volume and its data are destroyed", [lib.destroyed_word[r.change]])

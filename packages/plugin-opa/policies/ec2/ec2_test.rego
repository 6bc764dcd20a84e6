package tfo.rules.ec2_test

import data.tfo.rules.ec2

hits(findings, id, resource) := [f | some f in findings; f.id == id; f.resource == resource]

ids(findings) := {f.id | some f in findings}

compliant := data.testdata.ec2.compliant

violating := data.testdata.ec2.violating

module := data.testdata.ec2.module

destroy := data.testdata.ec2.destroy

test_compliant_has_no_findings if {
	count(ec2.deny) == 0 with input as compliant
	count(ec2.warn) == 0 with input as compliant
}

test_metadata_complete if {
	every id, m in ec2.metadata {
		regex.match(`^TFO-EC2-[0-9]{3}$`, id)
		m.severity in {"critical", "high", "medium", "low"}
		m.title != ""
		m.remediation != ""
		"cis" in object.keys(m)
	}
	findings := ec2.deny | ec2.warn with input as violating
	every f in findings {
		ec2.metadata[f.id]
	}
}

test_messages_never_echo_user_data if {
	a := ec2.deny | ec2.warn with input as violating
	b := ec2.deny | ec2.warn with input as module
	every f in a | b {
		not contains(f.message, "AKIA")
		not contains(f.message, "hunter2")
		not contains(f.message, "not-a-real-secret")
	}
}

# TFO-EC2-001
test_001_optional_tokens_denied if {
	[f] := hits(ec2.deny, "TFO-EC2-001", "aws_instance.bastion") with input as violating
	contains(f.message, "optional")
}

test_001_missing_block_denied if {
	[f] := hits(ec2.deny, "TFO-EC2-001", "aws_instance.defaults") with input as violating
	contains(f.message, "not set")
}

test_001_unknown_tokens_warn if {
	[f] := hits(ec2.warn, "TFO-EC2-001", "module.web.aws_instance.tuned") with input as module
	f.unknown
	not "TFO-EC2-001" in ids(ec2.deny) with input as module
}

test_001_required_passes if {
	not "TFO-EC2-001" in ids(ec2.deny | ec2.warn) with input as compliant
	count(hits(ec2.deny, "TFO-EC2-001", "aws_instance.b64")) == 0 with input as violating
}

# TFO-EC2-002
test_002_unencrypted_block_devices_denied if {
	fs := hits(ec2.deny, "TFO-EC2-002", "aws_instance.bastion") with input as violating
	{f.message | some f in fs} == {"root_block_device.0.encrypted is false", "ebs_block_device.0.encrypted is false"}
}

test_002_unknown_encryption_warns if {
	[f] := hits(ec2.warn, "TFO-EC2-002", "aws_instance.defaults") with input as violating
	f.unknown
	[g] := hits(ec2.warn, "TFO-EC2-002", "module.web.aws_instance.tuned") with input as module
	contains(g.message, "ebs_block_device")
}

# compliant: every device encrypted (and the plan turns EBS encryption by default on).
test_002_encrypted_passes if {
	not "TFO-EC2-002" in ids(ec2.deny | ec2.warn) with input as compliant
	count(hits(ec2.deny | ec2.warn, "TFO-EC2-002", "module.web.aws_instance.this")) == 0 with input as module
}

# TFO-EC2-003
test_003_public_ip_denied if {
	count(hits(ec2.deny, "TFO-EC2-003", "aws_instance.bastion")) == 1 with input as violating
}

test_003_unknown_public_ip_warns if {
	[f] := hits(ec2.warn, "TFO-EC2-003", "module.web.aws_instance.tuned") with input as module
	f.unknown
}

test_003_private_or_unset_passes if {
	not "TFO-EC2-003" in ids(ec2.deny | ec2.warn) with input as compliant
	count(hits(ec2.deny | ec2.warn, "TFO-EC2-003", "aws_instance.defaults")) == 0 with input as violating
}

# TFO-EC2-004
test_004_secrets_in_literal_user_data_denied if {
	fs := hits(ec2.deny, "TFO-EC2-004", "aws_instance.bastion") with input as violating
	{f.message | some f in fs} == {
		"user_data contains what looks like an AWS access key id",
		"user_data contains what looks like a password assignment",
	}
}

test_004_secrets_in_base64_user_data_denied if {
	count(hits(ec2.deny, "TFO-EC2-004", "aws_instance.b64")) == 1 with input as violating
	count(hits(ec2.deny, "TFO-EC2-004", "aws_launch_template.legacy")) == 1 with input as violating
}

test_004_secrets_in_module_user_data_denied if {
	[f] := hits(ec2.deny, "TFO-EC2-004", "module.web.aws_instance.this") with input as module
	contains(f.message, "secret access key")
}

test_004_clean_user_data_passes if {
	not "TFO-EC2-004" in ids(ec2.deny) with input as compliant
}

# TFO-EC2-005
test_005_hashed_user_data_warns if {
	count(hits(ec2.warn, "TFO-EC2-005", "aws_instance.defaults")) == 1 with input as violating
}

test_005_unknown_base64_warns if {
	[f] := hits(ec2.warn, "TFO-EC2-005", "module.web.aws_instance.tuned") with input as module
	f.unknown
}

test_005_literal_user_data_passes if {
	not "TFO-EC2-005" in ids(ec2.warn) with input as compliant
	count(hits(ec2.warn, "TFO-EC2-005", "aws_instance.bastion")) == 0 with input as violating
}

# TFO-EC2-006
test_006_unencrypted_volume_denied if {
	count(hits(ec2.deny, "TFO-EC2-006", "aws_ebs_volume.plain")) == 1 with input as violating
	count(hits(ec2.deny, "TFO-EC2-006", "module.web.aws_ebs_volume.this")) == 1 with input as module
}

test_006_unknown_without_default_encryption_warns if {
	[f] := hits(ec2.warn, "TFO-EC2-006", "aws_ebs_volume.unset") with input as violating
	f.unknown
}

test_006_encrypted_passes if {
	not "TFO-EC2-006" in ids(ec2.deny | ec2.warn) with input as compliant
	not "TFO-EC2-006" in ids(ec2.deny | ec2.warn) with input as destroy
}

# TFO-EC2-007
test_007_encryption_by_default_off_denied if {
	count(hits(ec2.deny, "TFO-EC2-007", "aws_ebs_encryption_by_default.this")) == 1 with input as violating
}

test_007_encryption_by_default_on_passes if {
	not "TFO-EC2-007" in ids(ec2.deny) with input as compliant
}

# TFO-EC2-008
test_008_launch_templates_without_imdsv2_denied if {
	[a] := hits(ec2.deny, "TFO-EC2-008", "aws_launch_template.legacy") with input as violating
	contains(a.message, "not set")
	[b] := hits(ec2.deny, "TFO-EC2-008", "aws_launch_template.optional_tokens") with input as violating
	contains(b.message, "optional")
}

test_008_required_passes if {
	not "TFO-EC2-008" in ids(ec2.deny | ec2.warn) with input as compliant
}

# TFO-EC2-009
# optional_tokens: encrypted = "false" blocks; legacy leaves it to the snapshot and account default.
test_009_unencrypted_template_devices_denied if {
	count(hits(ec2.deny, "TFO-EC2-009", "aws_launch_template.optional_tokens")) == 1 with input as violating
	count(hits(ec2.deny, "TFO-EC2-009", "aws_launch_template.legacy")) == 0 with input as violating
	[u] := hits(ec2.warn, "TFO-EC2-009", "aws_launch_template.legacy") with input as violating
	u.unknown
}

test_009_encrypted_template_passes if {
	not "TFO-EC2-009" in ids(ec2.deny) with input as compliant
}

# TFO-EC2-010
test_010_monitoring_off_warns if {
	count(hits(ec2.warn, "TFO-EC2-010", "aws_instance.bastion")) == 1 with input as violating
	count(hits(ec2.warn, "TFO-EC2-010", "aws_instance.defaults")) == 1 with input as violating
	count(hits(ec2.warn, "TFO-EC2-010", "aws_launch_template.legacy")) == 1 with input as violating
}

test_010_unknown_monitoring_warns if {
	[f] := hits(ec2.warn, "TFO-EC2-010", "module.web.aws_instance.tuned") with input as module
	f.unknown
}

test_010_monitoring_on_passes if {
	not "TFO-EC2-010" in ids(ec2.warn) with input as compliant
}

# TFO-EC2-011
test_011_not_ebs_optimized_warns if {
	count(hits(ec2.warn, "TFO-EC2-011", "aws_instance.bastion")) == 1 with input as violating
}

test_011_optimized_or_unset_passes if {
	not "TFO-EC2-011" in ids(ec2.warn) with input as compliant
	count(hits(ec2.warn, "TFO-EC2-011", "aws_instance.defaults")) == 0 with input as violating
}

# TFO-EC2-012
test_012_no_instance_profile_warns if {
	count(hits(ec2.warn, "TFO-EC2-012", "aws_instance.bastion")) == 1 with input as violating
}

test_012_instance_profile_passes if {
	not "TFO-EC2-012" in ids(ec2.warn) with input as compliant
	not "TFO-EC2-012" in ids(ec2.warn) with input as module
}

# TFO-EC2-013
test_013_volume_delete_and_replace_denied if {
	[d] := hits(ec2.deny, "TFO-EC2-013", "aws_ebs_volume.scratch") with input as destroy
	contains(d.message, "deleted")
	[r] := hits(ec2.deny, "TFO-EC2-013", "aws_ebs_volume.data") with input as destroy
	contains(r.message, "replaced")
}

test_013_destroy_option_downgrades if {
	fs := ec2.warn with input as destroy with data.tfo_options as {"destroy": {"warn": ["aws_ebs_volume"]}}
	count(hits(fs, "TFO-EC2-013", "aws_ebs_volume.scratch")) == 1
	count(ec2.deny) == 0 with input as destroy with data.tfo_options as {"destroy": {"warn": ["aws_ebs_volume"]}}
}

test_013_volume_update_passes if {
	count(hits(ec2.deny, "TFO-EC2-013", "aws_ebs_volume.logs")) == 0 with input as destroy
	not "TFO-EC2-013" in ids(ec2.deny) with input as compliant
}

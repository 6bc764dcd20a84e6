package tfo.rules.rds_test

import data.tfo.rules.rds

# Findings of one id on one resource.
hits(findings, id, resource) := [f | some f in findings; f.id == id; f.resource == resource]

ids(findings) := {f.id | some f in findings}

compliant := data.testdata.rds.compliant

violating := data.testdata.rds.violating

module := data.testdata.rds.module

destroy := data.testdata.rds.destroy

test_compliant_has_no_findings if {
	count(rds.deny) == 0 with input as compliant
	count(rds.warn) == 0 with input as compliant
}

test_metadata_complete if {
	every id, m in rds.metadata {
		regex.match(`^TFO-RDS-[0-9]{3}$`, id)
		m.severity in {"critical", "high", "medium", "low"}
		m.title != ""
		m.remediation != ""
		"cis" in object.keys(m)
	}
	findings := rds.deny | rds.warn with input as violating
	every f in findings {
		rds.metadata[f.id]
	}
}

test_messages_never_echo_passwords if {
	findings := rds.deny | rds.warn with input as violating
	every f in findings {
		not contains(f.message, "not-a-real-password")
	}
}

# TFO-RDS-001
test_001_unencrypted_instance_denied if {
	count(hits(rds.deny, "TFO-RDS-001", "aws_db_instance.legacy")) == 1 with input as violating
	count(hits(rds.deny, "TFO-RDS-001", "module.db.aws_db_instance.this")) == 1 with input as module
}

test_001_unknown_cluster_encryption_warns if {
	[f] := hits(rds.warn, "TFO-RDS-001", "aws_rds_cluster.analytics") with input as violating
	f.unknown
	count(hits(rds.deny, "TFO-RDS-001", "aws_rds_cluster.analytics")) == 0 with input as violating
}

test_001_encrypted_passes if {
	not "TFO-RDS-001" in ids(rds.deny) with input as compliant
	not "TFO-RDS-001" in ids(rds.deny) with input as destroy
}

# TFO-RDS-002
test_002_public_denied if {
	count(hits(rds.deny, "TFO-RDS-002", "aws_db_instance.legacy")) == 1 with input as violating
	count(hits(rds.deny, "TFO-RDS-002", "aws_rds_cluster_instance.analytics")) == 1 with input as violating
}

test_002_unknown_warns if {
	[f] := hits(rds.warn, "TFO-RDS-002", "aws_rds_cluster_instance.analytics_2") with input as violating
	f.unknown
}

test_002_private_passes if {
	not "TFO-RDS-002" in ids(rds.deny | rds.warn) with input as compliant
}

# TFO-RDS-003
test_003_short_retention_denied if {
	[f] := hits(rds.deny, "TFO-RDS-003", "aws_db_instance.legacy") with input as violating
	contains(f.message, "1 days")
}

test_003_unknown_retention_warns if {
	count(hits(rds.warn, "TFO-RDS-003", "aws_rds_cluster.analytics")) == 1 with input as violating
}

test_003_retention_passes if {
	not "TFO-RDS-003" in ids(rds.deny) with input as compliant
	not "TFO-RDS-003" in ids(rds.deny) with input as module
}

test_003_minimum_is_an_option if {
	fs := rds.deny with input as compliant with data.tfo_options as {"rds_backup_retention_min_days": 30}
	count(hits(fs, "TFO-RDS-003", "aws_db_instance.app")) == 1
	count(hits(fs, "TFO-RDS-003", "aws_rds_cluster.reporting")) == 1
}

# TFO-RDS-004
test_004_no_deletion_protection_denied if {
	count(hits(rds.deny, "TFO-RDS-004", "aws_db_instance.legacy")) == 1 with input as violating
	count(hits(rds.deny, "TFO-RDS-004", "aws_rds_cluster.analytics")) == 1 with input as violating
}

test_004_deletion_protection_passes if {
	not "TFO-RDS-004" in ids(rds.deny) with input as compliant
}

# TFO-RDS-005
test_005_no_iam_auth_denied if {
	count(hits(rds.deny, "TFO-RDS-005", "aws_db_instance.legacy")) == 1 with input as violating
	count(hits(rds.deny, "TFO-RDS-005", "aws_rds_cluster.analytics")) == 1 with input as violating
}

test_005_iam_auth_passes if {
	not "TFO-RDS-005" in ids(rds.deny) with input as compliant
}

test_005_engines_without_iam_auth_skipped if {
	not rds.no_iam_auth("postgres")
	rds.no_iam_auth("oracle-ee")
	rds.no_iam_auth("sqlserver-se")
	rds.no_iam_auth("db2-se")
	rds.no_iam_auth("custom-oracle-ee")
}

# TFO-RDS-006
test_006_minor_upgrades_off_denied if {
	count(hits(rds.deny, "TFO-RDS-006", "aws_db_instance.legacy")) == 1 with input as violating
	count(hits(rds.deny, "TFO-RDS-006", "aws_rds_cluster_instance.analytics")) == 1 with input as violating
}

test_006_default_or_true_passes if {
	not "TFO-RDS-006" in ids(rds.deny) with input as compliant
	not "TFO-RDS-006" in ids(rds.deny) with input as module
}

# TFO-RDS-007
test_007_production_single_az_warns if {
	count(hits(rds.warn, "TFO-RDS-007", "aws_db_instance.legacy")) == 1 with input as violating
}

test_007_production_unknown_multi_az_warns if {
	[f] := hits(rds.warn, "TFO-RDS-007", "module.db.aws_db_instance.this") with input as module
	f.unknown
}

test_007_multi_az_passes if {
	not "TFO-RDS-007" in ids(rds.warn) with input as compliant
}

test_007_everywhere_is_an_option if {
	not "TFO-RDS-007" in ids(rds.warn) with input as destroy
	fs := rds.warn with input as violating with data.tfo_options as {"rds_require_multi_az": true}
	count(hits(fs, "TFO-RDS-007", "aws_db_instance.legacy")) == 1
}

# TFO-RDS-008
test_008_no_tag_copy_warns if {
	count(hits(rds.warn, "TFO-RDS-008", "aws_db_instance.legacy")) == 1 with input as violating
	count(hits(rds.warn, "TFO-RDS-008", "aws_rds_cluster.analytics")) == 1 with input as violating
}

test_008_tag_copy_passes if {
	not "TFO-RDS-008" in ids(rds.warn) with input as compliant
}

# TFO-RDS-009
test_009_default_key_warns if {
	[f] := hits(rds.warn, "TFO-RDS-009", "aws_rds_cluster_instance.analytics") with input as violating
	not f.unknown
}

test_009_unknown_configured_key_warns_unknown if {
	[f] := hits(rds.warn, "TFO-RDS-009", "module.db.aws_db_instance.this") with input as module
	f.unknown
}

test_009_customer_key_passes if {
	not "TFO-RDS-009" in ids(rds.warn) with input as compliant
}

# TFO-RDS-010
test_010_delete_and_replace_denied if {
	[d] := hits(rds.deny, "TFO-RDS-010", "aws_db_instance.old") with input as destroy
	contains(d.message, "deleted")
	[r] := hits(rds.deny, "TFO-RDS-010", "aws_rds_cluster.main") with input as destroy
	contains(r.message, "replaced")
}

test_010_creation_passes if {
	not "TFO-RDS-010" in ids(rds.deny) with input as compliant
	not "TFO-RDS-010" in ids(rds.deny) with input as violating
}

# TFO-RDS-011
test_011_skip_final_snapshot_warns if {
	count(hits(rds.warn, "TFO-RDS-011", "aws_db_instance.legacy")) == 1 with input as violating
	count(hits(rds.warn, "TFO-RDS-011", "aws_rds_cluster.analytics")) == 1 with input as violating
}

test_011_final_snapshot_passes if {
	not "TFO-RDS-011" in ids(rds.warn) with input as compliant
}

# TFO-RDS-012
test_012_no_log_exports_warns if {
	count(hits(rds.warn, "TFO-RDS-012", "aws_db_instance.legacy")) == 1 with input as violating
	count(hits(rds.warn, "TFO-RDS-012", "module.db.aws_db_instance.this")) == 1 with input as module
}

test_012_log_exports_pass if {
	not "TFO-RDS-012" in ids(rds.warn) with input as compliant
}

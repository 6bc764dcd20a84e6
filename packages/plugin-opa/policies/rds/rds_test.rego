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

# violating: an Aurora cluster without storage_encrypted (unknown in the plan, false at AWS).
test_001_unset_cluster_encryption_denied if {
	[f] := hits(rds.deny, "TFO-RDS-001", "aws_rds_cluster.analytics") with input as violating
	contains(f.message, "not set")
	count(hits(rds.warn, "TFO-RDS-001", "aws_rds_cluster.analytics")) == 0 with input as violating
}

# Written but unknown until apply (e.g. from a variable only known at apply): cannot decide.
test_001_written_unknown_encryption_warns if {
	[f] := hits(rds.warn, "TFO-RDS-001", "aws_db_instance.x") with input as one(db({"unknown": ["storage_encrypted"]}), {"storage_encrypted": {"references": ["var.enc"]}})
	f.unknown
}

# A read replica (source set, or set from a resource of the plan), a restored snapshot: inherited.
test_001_replica_and_snapshot_inherit if {
	count(rds.deny | rds.warn) == 0 with input as one(db({"after": {"replicate_source_db": "orders", "storage_encrypted": false}}), {})
	count(rds.deny | rds.warn) == 0 with input as one(db({"set": ["replicate_source_db"], "unknown": ["replicate_source_db", "storage_encrypted"]}), {})
	count(rds.deny | rds.warn) == 0 with input as one(db({"unknown": ["replicate_source_db", "storage_encrypted"]}), {"replicate_source_db": {"references": ["aws_db_instance.main.identifier"]}})
	count(rds.deny | rds.warn) == 0 with input as one(db({"after": {"snapshot_identifier": "snap-1"}, "unknown": ["storage_encrypted"]}), {})
	count(rds.deny | rds.warn) == 0 with input as one(db({"after": {"restore_to_point_in_time": [{"source_db_instance_identifier": "orders"}]}, "unknown": ["storage_encrypted"]}), {})
}

# A db instance with good settings (everything but what the test changes).
db(patch) := object.union(
	{
		"address": "aws_db_instance.x", "module": "", "type": "aws_db_instance", "name": "x", "mode": "managed",
		"config_address": "aws_db_instance.x", "change": "create", "configures": true, "unknown": [], "before": null,
		"after": {
			"storage_encrypted": true, "backup_retention_period": 7, "deletion_protection": true,
			"iam_database_authentication_enabled": true, "copy_tags_to_snapshot": true, "skip_final_snapshot": false,
			"enabled_cloudwatch_logs_exports": ["postgresql"], "engine": "postgres", "restore_to_point_in_time": [],
		},
	},
	patch,
)

one(r, expressions) := {"resources": [r], "plan": {"configuration": {"root_module": {"resources": [{"address": "aws_db_instance.x", "mode": "managed", "expressions": expressions}]}}}}

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
# A short retention warns; 0 (backups off) blocks.
test_003_short_retention_warns if {
	[f] := hits(rds.warn, "TFO-RDS-003", "aws_db_instance.legacy") with input as violating
	contains(f.message, "1 days")
	count(hits(rds.deny, "TFO-RDS-003", "aws_db_instance.legacy")) == 0 with input as violating
}

test_003_backups_off_denied if {
	[f] := hits(rds.deny, "TFO-RDS-003", "aws_db_instance.x") with input as one(db({"after": {"backup_retention_period": 0}}), {})
	contains(f.message, "disabled")
	count(rds.deny | rds.warn) == 0 with input as one(db({"after": {"backup_retention_period": 0, "replicate_source_db": "orders"}}), {})
}

# violating: unset on a cluster (unknown in the plan): AWS's default of 1 day.
test_003_unset_retention_warns if {
	[f] := hits(rds.warn, "TFO-RDS-003", "aws_rds_cluster.analytics") with input as violating
	not f.unknown
	contains(f.message, "not set")
	[u] := hits(rds.warn, "TFO-RDS-003", "aws_db_instance.x") with input as one(db({"unknown": ["backup_retention_period"]}), {"backup_retention_period": {"references": ["var.days"]}})
	u.unknown
}

test_003_retention_passes if {
	not "TFO-RDS-003" in ids(rds.deny) with input as compliant
	not "TFO-RDS-003" in ids(rds.deny) with input as module
}

test_003_minimum_is_an_option if {
	fs := rds.warn with input as compliant with data.tfo_options as {"rds_backup_retention_min_days": 30}
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

# module: the key is aws_kms_key.pi of the same module (unknown ARN, but set): no finding.
# Written from a variable unknown until apply: cannot decide; from the normaliser's `set`: set.
test_009_unknown_configured_key if {
	count(hits(rds.warn, "TFO-RDS-009", "module.db.aws_db_instance.this")) == 0 with input as module
	pi := db({"after": {"performance_insights_enabled": true}, "unknown": ["performance_insights_kms_key_id"]})
	expr := {"performance_insights_kms_key_id": {"references": ["var.pi_key"]}}
	[f] := hits(rds.warn, "TFO-RDS-009", "aws_db_instance.x") with input as one(pi, expr)
	f.unknown
	count(rds.warn) == 0 with input as one(object.union(pi, {"set": ["performance_insights_kms_key_id"]}), expr)
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

# Graded: a read replica and a cluster instance warn (the data stays with the source / cluster).
test_010_replica_and_cluster_instance_warn if {
	gone := {"change": "delete", "configures": false, "after": null}
	replica := db(object.union(gone, {"before": {"replicate_source_db": "orders"}}))
	[r] := hits(rds.warn, "TFO-RDS-010", "aws_db_instance.x") with input as one(replica, {})
	contains(r.message, "read replica")
	count(rds.deny) == 0 with input as one(replica, {})
	member := object.union(db(gone), {"type": "aws_rds_cluster_instance", "address": "aws_rds_cluster_instance.m", "before": {}})
	[m] := hits(rds.warn, "TFO-RDS-010", "aws_rds_cluster_instance.m") with input as {"resources": [member]}
	contains(m.message, "cluster instance")
	count(rds.deny) == 0 with input as {"resources": [member]}
}

# tfo_options.destroy.warn downgrades a type.
test_010_destroy_option_downgrades if {
	fs := rds.deny with input as destroy with data.tfo_options as {"destroy": {"warn": ["aws_db_instance"]}}
	count(hits(fs, "TFO-RDS-010", "aws_db_instance.old")) == 0
	ws := rds.warn with input as destroy with data.tfo_options as {"destroy": {"warn": ["aws_db_instance"]}}
	count(hits(ws, "TFO-RDS-010", "aws_db_instance.old")) == 1
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
	count(rds.warn) == 0 with input as one(db({"after": {"replicate_source_db": "orders", "skip_final_snapshot": true}}), {})
}

# TFO-RDS-012
test_012_no_log_exports_warns if {
	count(hits(rds.warn, "TFO-RDS-012", "aws_db_instance.legacy")) == 1 with input as violating
	count(hits(rds.warn, "TFO-RDS-012", "module.db.aws_db_instance.this")) == 1 with input as module
}

test_012_log_exports_pass if {
	not "TFO-RDS-012" in ids(rds.warn) with input as compliant
}

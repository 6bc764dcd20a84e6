# RDS: DB instances, Aurora clusters and their instances.
package tfo.rules.rds

import data.tfo.lib

metadata := {
	"TFO-RDS-001": {
		"title": "RDS storage is not encrypted at rest",
		"severity": "high",
		"cis": "2.3.1",
		"remediation": "Set storage_encrypted = true (with kms_key_id for a customer managed key). Encryption cannot be turned on for existing storage: restore an encrypted copy of a snapshot.",
		"profile": "baseline",
	},
	"TFO-RDS-002": {
		"title": "RDS instance is publicly accessible",
		"severity": "critical",
		"cis": "2.3.3",
		"remediation": "Set publicly_accessible = false and reach the database through private subnets, a VPN or a bastion.",
		"profile": "baseline",
	},
	"TFO-RDS-003": {
		"title": "RDS automated backups are kept for too short a time",
		"severity": "medium",
		"cis": null,
		"remediation": "Set backup_retention_period to at least 7 days (option rds_backup_retention_min_days).",
		"profile": "baseline",
	},
	"TFO-RDS-004": {
		"title": "RDS deletion protection is disabled",
		"severity": "medium",
		"cis": null,
		"remediation": "Set deletion_protection = true.",
		"profile": "strict",
	},
	"TFO-RDS-005": {
		"title": "RDS IAM database authentication is disabled",
		"severity": "medium",
		"cis": null,
		"remediation": "Set iam_database_authentication_enabled = true and grant rds-db:connect to the roles that need it.",
		"profile": "strict",
	},
	"TFO-RDS-006": {
		"title": "RDS automatic minor version upgrades are disabled",
		"severity": "medium",
		"cis": "2.3.2",
		"remediation": "Set auto_minor_version_upgrade = true (or leave it unset: it defaults to true).",
		"profile": "baseline",
	},
	"TFO-RDS-007": {
		"title": "Production RDS instance is not Multi-AZ",
		"severity": "medium",
		"cis": null,
		"remediation": "Set multi_az = true for production databases (tagged Environment = prod/production, or every instance when option rds_require_multi_az is true).",
		"profile": "strict",
	},
	"TFO-RDS-008": {
		"title": "RDS tags are not copied to snapshots",
		"severity": "low",
		"cis": null,
		"remediation": "Set copy_tags_to_snapshot = true so snapshots keep their owner and classification tags.",
		"profile": "strict",
	},
	"TFO-RDS-009": {
		"title": "RDS Performance Insights data is not encrypted with a customer managed key",
		"severity": "low",
		"cis": null,
		"remediation": "Set performance_insights_kms_key_id to a customer managed KMS key.",
		"profile": "strict",
	},
	"TFO-RDS-010": {
		"title": "RDS database is destroyed (deleted or replaced)",
		"severity": "critical",
		"cis": null,
		"remediation": "Check the plan: a replacement destroys the database and its data. Revert the change that forces it (identifier, engine, encryption, ...), or remove the resource from state with a `removed` block if the deletion is intended elsewhere.",
		"profile": "baseline",
	},
	"TFO-RDS-011": {
		"title": "RDS final snapshot is skipped on deletion",
		"severity": "medium",
		"cis": null,
		"remediation": "Set skip_final_snapshot = false and a final_snapshot_identifier.",
		"profile": "strict",
	},
	"TFO-RDS-012": {
		"title": "RDS logs are not exported to CloudWatch Logs",
		"severity": "low",
		"cis": null,
		"remediation": "Set enabled_cloudwatch_logs_exports to the engine's logs (e.g. [\"postgresql\", \"upgrade\"], [\"error\", \"slowquery\", \"audit\"]).",
		"profile": "strict",
	},
}

# Engines without IAM database authentication.
no_iam_auth(engine) if startswith(engine, "oracle")
no_iam_auth(engine) if startswith(engine, "sqlserver")
no_iam_auth(engine) if startswith(engine, "db2")
no_iam_auth(engine) if startswith(engine, "custom-")

# Options (data.tfo_options), with defaults when absent.
backup_min_days := lib.number_option("rds_backup_retention_min_days", 7)

require_multi_az_everywhere if data.tfo_options.rds_require_multi_az == true

# An instance counts as production when a tag named like "environment" says prod/production.
production(_) if require_multi_az_everywhere

production(r) if {
	tags := object.union(lib.get(r, "tags_all", {}), lib.get(r, "tags", {}))
	some k, v in tags
	lower(k) in {"environment", "env", "stage", "tier"}
	lower(v) in {"prod", "production", "prd", "live"}
}

# --- TFO-RDS-001: storage encryption -------------------------------------------------
# A read replica (replicate_source_db) is encrypted like its source, and a restored snapshot or a
# cluster joining a replication source or global cluster takes its encryption from there: never
# denied. A cluster without storage_encrypted in its configuration is unencrypted (the plan shows
# it as unknown, but AWS's default is false; Aurora Serverless v1 is always encrypted).

deny contains lib.finding("TFO-RDS-001", r.address, "storage_encrypted is not true: storage is not encrypted at rest") if {
	lib.on(metadata, "TFO-RDS-001", false)
	some r in storage_resources
	not lib.is_unknown(r, "storage_encrypted")
	lib.get(r, "storage_encrypted", false) != true
}

deny contains lib.finding("TFO-RDS-001", r.address, "storage_encrypted is not set: storage is not encrypted at rest (AWS's default)") if {
	lib.on(metadata, "TFO-RDS-001", false)
	some r in storage_resources
	lib.is_unknown(r, "storage_encrypted")
	not lib.configured_attr(r, "storage_encrypted")
	not lib.get(r, "engine_mode", "") == "serverless"
}

warn contains lib.unknown_finding("TFO-RDS-001", r.address, "storage_encrypted") if {
	lib.on(metadata, "TFO-RDS-001", false)
	some r in storage_resources
	lib.set_unknown(r, "storage_encrypted")
}

# Instances and clusters that own their storage encryption setting.
storage_resources contains r if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not inherits_storage(r)
}

inherits_storage(r) if replica(r)

inherits_storage(r) if {
	some attr in ["snapshot_identifier", "replication_source_identifier", "global_cluster_identifier", "restore_to_point_in_time"]
	is_set(r, attr)
}

# An attribute with a value (a non-empty string or block), or set from an expression unknown until
# apply (a reference to a resource of the plan, in the normaliser's `set`; or written and unknown).
# (lib.present counts an empty block list as present: not used for blocks here.)
is_set(r, attr) if {
	v := lib.get(r, attr, "")
	is_string(v)
	v != ""
}

is_set(r, attr) if {
	v := lib.get(r, attr, "")
	is_array(v)
	count(v) > 0
}

is_set(r, attr) if attr in object.get(r, "set", [])

is_set(r, attr) if lib.set_unknown(r, attr)

# --- TFO-RDS-002: public access ------------------------------------------------------

deny contains lib.finding("TFO-RDS-002", r.address, "publicly_accessible is true: the database gets a public endpoint") if {
	lib.on(metadata, "TFO-RDS-002", false)
	some type in ["aws_db_instance", "aws_rds_cluster_instance"]
	some r in lib.configured(type)
	lib.get(r, "publicly_accessible", false) == true
}

warn contains lib.unknown_finding("TFO-RDS-002", r.address, "publicly_accessible") if {
	lib.on(metadata, "TFO-RDS-002", false)
	some type in ["aws_db_instance", "aws_rds_cluster_instance"]
	some r in lib.configured(type)
	lib.is_unknown(r, "publicly_accessible")
}

# --- TFO-RDS-003: backup retention ---------------------------------------------------
# 0 days turns automated backups off: blocks. Fewer days than the minimum warns; left unset, AWS
# keeps them for 1 day. Read replicas take their backups from the source.

deny contains lib.finding("TFO-RDS-003", r.address, "backup_retention_period is 0: automated backups are disabled") if {
	lib.on(metadata, "TFO-RDS-003", false)
	some r in backup_resources
	lib.get(r, "backup_retention_period", null) == 0
}

warn contains lib.finding("TFO-RDS-003", r.address, msg) if {
	lib.on(metadata, "TFO-RDS-003", false)
	some r in backup_resources
	days := lib.get(r, "backup_retention_period", 0)
	days > 0
	days < backup_min_days
	msg := sprintf("backup_retention_period is %d days, below the minimum of %d", [days, backup_min_days])
}

warn contains lib.finding("TFO-RDS-003", r.address, msg) if {
	lib.on(metadata, "TFO-RDS-003", false)
	some r in backup_resources
	lib.is_unknown(r, "backup_retention_period")
	not lib.configured_attr(r, "backup_retention_period")
	1 < backup_min_days
	msg := sprintf("backup_retention_period is not set: AWS keeps automated backups for 1 day, below the minimum of %d", [backup_min_days])
}

warn contains lib.unknown_finding("TFO-RDS-003", r.address, "backup_retention_period") if {
	lib.on(metadata, "TFO-RDS-003", false)
	some r in backup_resources
	lib.set_unknown(r, "backup_retention_period")
}

backup_resources contains r if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not replica(r)
}

# Read replicas follow their source (storage encryption, backups).
replica(r) if is_set(r, "replicate_source_db")

# --- TFO-RDS-004: deletion protection ------------------------------------------------

deny contains lib.finding("TFO-RDS-004", r.address, "deletion_protection is not true") if {
	lib.on(metadata, "TFO-RDS-004", false)
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not lib.is_unknown(r, "deletion_protection")
	lib.get(r, "deletion_protection", false) != true
}

# --- TFO-RDS-005: IAM database authentication ----------------------------------------

deny contains lib.finding("TFO-RDS-005", r.address, "iam_database_authentication_enabled is not true") if {
	lib.on(metadata, "TFO-RDS-005", false)
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not lib.is_unknown(r, "iam_database_authentication_enabled")
	not no_iam_auth(lib.get(r, "engine", ""))
	lib.get(r, "iam_database_authentication_enabled", false) != true
}

# --- TFO-RDS-006: automatic minor version upgrades -----------------------------------

deny contains lib.finding("TFO-RDS-006", r.address, "auto_minor_version_upgrade is false") if {
	lib.on(metadata, "TFO-RDS-006", false)
	some type in ["aws_db_instance", "aws_rds_cluster_instance"]
	some r in lib.configured(type)
	lib.get(r, "auto_minor_version_upgrade", true) == false
}

# --- TFO-RDS-007: Multi-AZ for production --------------------------------------------

warn contains lib.finding("TFO-RDS-007", r.address, "multi_az is not true on a production database") if {
	lib.on(metadata, "TFO-RDS-007", false)
	some r in lib.configured("aws_db_instance")
	production(r)
	not lib.is_unknown(r, "multi_az")
	not replica(r)
	lib.get(r, "multi_az", false) != true
}

warn contains lib.unknown_finding("TFO-RDS-007", r.address, "multi_az") if {
	lib.on(metadata, "TFO-RDS-007", false)
	some r in lib.configured("aws_db_instance")
	production(r)
	lib.is_unknown(r, "multi_az")
}

# --- TFO-RDS-008: copy tags to snapshots ---------------------------------------------

warn contains lib.finding("TFO-RDS-008", r.address, "copy_tags_to_snapshot is not true") if {
	lib.on(metadata, "TFO-RDS-008", false)
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not lib.is_unknown(r, "copy_tags_to_snapshot")
	lib.get(r, "copy_tags_to_snapshot", false) != true
}

# --- TFO-RDS-009: Performance Insights KMS key ---------------------------------------

# performance_insights_kms_key_id is computed: when it is not written in the configuration,
# AWS picks the aws/rds managed key; a key of the same plan is set (a presence check); written but
# unknown from anything else (a variable unknown until apply, a data source), it cannot decide.
warn contains lib.finding("TFO-RDS-009", r.address, "performance_insights_enabled without performance_insights_kms_key_id: the AWS managed key is used") if {
	lib.on(metadata, "TFO-RDS-009", false)
	some r in pi_enabled
	lib.get(r, "performance_insights_kms_key_id", "") == ""
	not lib.configured_attr(r, "performance_insights_kms_key_id")
}

warn contains lib.unknown_finding("TFO-RDS-009", r.address, "performance_insights_kms_key_id") if {
	lib.on(metadata, "TFO-RDS-009", false)
	some r in pi_enabled
	lib.set_unknown(r, "performance_insights_kms_key_id")
	not set_from_plan(r, "performance_insights_kms_key_id")
}

# An attribute set from a resource of the plan: in the normaliser's `set`, or written in the same
# module as a reference to a managed resource (its value is unknown until apply, never null).
set_from_plan(r, attr) if attr in object.get(r, "set", [])

set_from_plan(r, attr) if {
	some c in lib.config_resources(r)
	some ref in object.get(c, ["expressions", attr, "references"], [])
	startswith(ref, "aws_")
}

pi_enabled contains r if {
	some type in ["aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance"]
	some r in lib.configured(type)
	lib.get(r, "performance_insights_enabled", false) == true
}

# --- TFO-RDS-010: destruction ----------------------------------------------------------
# Graded by what is lost (lib.destroy_blocks): an instance or a cluster blocks; a read replica (a
# copy of its source) and a cluster instance (the data is in the cluster's volume) warn.

deny contains lib.finding("TFO-RDS-010", r.address, destroy_message(r)) if {
	lib.on(metadata, "TFO-RDS-010", false)
	some r in destroyed_databases
	destroy_blocks(r)
}

warn contains lib.finding("TFO-RDS-010", r.address, destroy_message(r)) if {
	lib.on(metadata, "TFO-RDS-010", false)
	some r in destroyed_databases
	not destroy_blocks(r)
}

destroyed_databases contains r if {
	some type in ["aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance"]
	some r in lib.destroyed(type)
}

destroy_blocks(r) if {
	lib.destroy_blocks(r)
	not replica_before(r)
}

replica_before(r) if {
	before := object.get(r, "before", null)
	is_object(before)
	not object.get(before, "replicate_source_db", "") in {"", null}
}

destroy_message(r) := sprintf("%s is %s: %s", [r.type, lib.destroyed_word[r.change], destroy_loss(r)])

destroy_loss(r) := "the read replica is destroyed (its source keeps the data)" if {
	replica_before(r)
} else := "the cluster instance is destroyed (the data stays in the cluster)" if {
	r.type == "aws_rds_cluster_instance"
} else := "the database and its data are destroyed"

# --- TFO-RDS-011: final snapshot -------------------------------------------------------

warn contains lib.finding("TFO-RDS-011", r.address, "skip_final_snapshot is true: no snapshot is taken when the database is deleted") if {
	lib.on(metadata, "TFO-RDS-011", false)
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not replica(r) # AWS takes no final snapshot of a read replica
	lib.get(r, "skip_final_snapshot", false) == true
}

# --- TFO-RDS-012: log exports ----------------------------------------------------------

warn contains lib.finding("TFO-RDS-012", r.address, "enabled_cloudwatch_logs_exports is empty: database logs are not exported") if {
	lib.on(metadata, "TFO-RDS-012", false)
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not lib.is_unknown(r, "enabled_cloudwatch_logs_exports")
	count(lib.get(r, "enabled_cloudwatch_logs_exports", [])) == 0
}

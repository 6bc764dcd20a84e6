# RDS: DB instances, Aurora clusters and their instances.
package tfo.rules.rds

import data.tfo.lib

metadata := {
	"TFO-RDS-001": {
		"title": "RDS storage is not encrypted at rest",
		"severity": "high",
		"cis": "2.3.1",
		"remediation": "Set storage_encrypted = true (with kms_key_id for a customer managed key). Encryption cannot be turned on for existing storage: restore an encrypted copy of a snapshot.",
	},
	"TFO-RDS-002": {
		"title": "RDS instance is publicly accessible",
		"severity": "critical",
		"cis": "2.3.3",
		"remediation": "Set publicly_accessible = false and reach the database through private subnets, a VPN or a bastion.",
	},
	"TFO-RDS-003": {
		"title": "RDS automated backups are kept for too short a time",
		"severity": "medium",
		"cis": null,
		"remediation": "Set backup_retention_period to at least 7 days (option rds_backup_retention_min_days).",
	},
	"TFO-RDS-004": {
		"title": "RDS deletion protection is disabled",
		"severity": "medium",
		"cis": null,
		"remediation": "Set deletion_protection = true.",
	},
	"TFO-RDS-005": {
		"title": "RDS IAM database authentication is disabled",
		"severity": "medium",
		"cis": null,
		"remediation": "Set iam_database_authentication_enabled = true and grant rds-db:connect to the roles that need it.",
	},
	"TFO-RDS-006": {
		"title": "RDS automatic minor version upgrades are disabled",
		"severity": "medium",
		"cis": "2.3.2",
		"remediation": "Set auto_minor_version_upgrade = true (or leave it unset: it defaults to true).",
	},
	"TFO-RDS-007": {
		"title": "Production RDS instance is not Multi-AZ",
		"severity": "medium",
		"cis": null,
		"remediation": "Set multi_az = true for production databases (tagged Environment = prod/production, or every instance when option rds_require_multi_az is true).",
	},
	"TFO-RDS-008": {
		"title": "RDS tags are not copied to snapshots",
		"severity": "low",
		"cis": null,
		"remediation": "Set copy_tags_to_snapshot = true so snapshots keep their owner and classification tags.",
	},
	"TFO-RDS-009": {
		"title": "RDS Performance Insights data is not encrypted with a customer managed key",
		"severity": "low",
		"cis": null,
		"remediation": "Set performance_insights_kms_key_id to a customer managed KMS key.",
	},
	"TFO-RDS-010": {
		"title": "RDS database is destroyed (deleted or replaced)",
		"severity": "critical",
		"cis": null,
		"remediation": "Check the plan: a replacement destroys the database and its data. Revert the change that forces it (identifier, engine, encryption, ...), or remove the resource from state with a `removed` block if the deletion is intended elsewhere.",
	},
	"TFO-RDS-011": {
		"title": "RDS final snapshot is skipped on deletion",
		"severity": "medium",
		"cis": null,
		"remediation": "Set skip_final_snapshot = false and a final_snapshot_identifier.",
	},
	"TFO-RDS-012": {
		"title": "RDS logs are not exported to CloudWatch Logs",
		"severity": "low",
		"cis": null,
		"remediation": "Set enabled_cloudwatch_logs_exports to the engine's logs (e.g. [\"postgresql\", \"upgrade\"], [\"error\", \"slowquery\", \"audit\"]).",
	},
}

# Databases that hold data: destroying them loses it.
stateful_types := {"aws_db_instance", "aws_rds_cluster"}

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

deny contains lib.finding("TFO-RDS-001", r.address, "storage_encrypted is not true: storage is not encrypted at rest") if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not lib.is_unknown(r, "storage_encrypted")
	lib.get(r, "storage_encrypted", false) != true
}

warn contains lib.unknown_finding("TFO-RDS-001", r.address, "storage_encrypted") if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	lib.is_unknown(r, "storage_encrypted")
}

# --- TFO-RDS-002: public access ------------------------------------------------------

deny contains lib.finding("TFO-RDS-002", r.address, "publicly_accessible is true: the database gets a public endpoint") if {
	some type in ["aws_db_instance", "aws_rds_cluster_instance"]
	some r in lib.configured(type)
	lib.get(r, "publicly_accessible", false) == true
}

warn contains lib.unknown_finding("TFO-RDS-002", r.address, "publicly_accessible") if {
	some type in ["aws_db_instance", "aws_rds_cluster_instance"]
	some r in lib.configured(type)
	lib.is_unknown(r, "publicly_accessible")
}

# --- TFO-RDS-003: backup retention ---------------------------------------------------

deny contains lib.finding("TFO-RDS-003", r.address, msg) if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not lib.is_unknown(r, "backup_retention_period")
	not replica(r)
	days := lib.get(r, "backup_retention_period", 0)
	days < backup_min_days
	msg := sprintf("backup_retention_period is %d days, below the minimum of %d", [days, backup_min_days])
}

warn contains lib.unknown_finding("TFO-RDS-003", r.address, "backup_retention_period") if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	lib.is_unknown(r, "backup_retention_period")
}

# Read replicas take their backups from the source.
replica(r) if lib.get(r, "replicate_source_db", "") != ""

# --- TFO-RDS-004: deletion protection ------------------------------------------------

deny contains lib.finding("TFO-RDS-004", r.address, "deletion_protection is not true") if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not lib.is_unknown(r, "deletion_protection")
	lib.get(r, "deletion_protection", false) != true
}

# --- TFO-RDS-005: IAM database authentication ----------------------------------------

deny contains lib.finding("TFO-RDS-005", r.address, "iam_database_authentication_enabled is not true") if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not lib.is_unknown(r, "iam_database_authentication_enabled")
	not no_iam_auth(lib.get(r, "engine", ""))
	lib.get(r, "iam_database_authentication_enabled", false) != true
}

# --- TFO-RDS-006: automatic minor version upgrades -----------------------------------

deny contains lib.finding("TFO-RDS-006", r.address, "auto_minor_version_upgrade is false") if {
	some type in ["aws_db_instance", "aws_rds_cluster_instance"]
	some r in lib.configured(type)
	lib.get(r, "auto_minor_version_upgrade", true) == false
}

# --- TFO-RDS-007: Multi-AZ for production --------------------------------------------

warn contains lib.finding("TFO-RDS-007", r.address, "multi_az is not true on a production database") if {
	some r in lib.configured("aws_db_instance")
	production(r)
	not lib.is_unknown(r, "multi_az")
	not replica(r)
	lib.get(r, "multi_az", false) != true
}

warn contains lib.unknown_finding("TFO-RDS-007", r.address, "multi_az") if {
	some r in lib.configured("aws_db_instance")
	production(r)
	lib.is_unknown(r, "multi_az")
}

# --- TFO-RDS-008: copy tags to snapshots ---------------------------------------------

warn contains lib.finding("TFO-RDS-008", r.address, "copy_tags_to_snapshot is not true") if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not lib.is_unknown(r, "copy_tags_to_snapshot")
	lib.get(r, "copy_tags_to_snapshot", false) != true
}

# --- TFO-RDS-009: Performance Insights KMS key ---------------------------------------

# performance_insights_kms_key_id is computed: when it is not written in the configuration,
# AWS picks the aws/rds managed key; when it is written but unknown, the rule cannot decide.
warn contains lib.finding("TFO-RDS-009", r.address, "performance_insights_enabled without performance_insights_kms_key_id: the AWS managed key is used") if {
	some r in pi_enabled
	lib.get(r, "performance_insights_kms_key_id", "") == ""
	not lib.configured_attr(r, "performance_insights_kms_key_id")
}

warn contains lib.unknown_finding("TFO-RDS-009", r.address, "performance_insights_kms_key_id") if {
	some r in pi_enabled
	lib.set_unknown(r, "performance_insights_kms_key_id")
}

pi_enabled contains r if {
	some type in ["aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance"]
	some r in lib.configured(type)
	lib.get(r, "performance_insights_enabled", false) == true
}

# --- TFO-RDS-010: destruction ----------------------------------------------------------

deny contains lib.finding("TFO-RDS-010", r.address, msg) if {
	some type in stateful_types
	some r in lib.destroyed(type)
	msg := sprintf("%s is %s: the database and its data are destroyed", [r.type, lib.destroyed_word[r.change]])
}

# --- TFO-RDS-011: final snapshot -------------------------------------------------------

warn contains lib.finding("TFO-RDS-011", r.address, "skip_final_snapshot is true: no snapshot is taken when the database is deleted") if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	lib.get(r, "skip_final_snapshot", false) == true
}

# --- TFO-RDS-012: log exports ----------------------------------------------------------

warn contains lib.finding("TFO-RDS-012", r.address, "enabled_cloudwatch_logs_exports is empty: database logs are not exported") if {
	some type in ["aws_db_instance", "aws_rds_cluster"]
	some r in lib.configured(type)
	not lib.is_unknown(r, "enabled_cloudwatch_logs_exports")
	count(lib.get(r, "enabled_cloudwatch_logs_exports", [])) == 0
}

# DynamoDB tables: backups (PITR), encryption with a customer KMS key, deletion protection,
# destructive changes, capacity autoscaling, global table replicas.
package tfo.rules.dynamodb

import data.tfo.lib

metadata := {
	"TFO-DYNAMODB-001": {
		"title": "DynamoDB table without point-in-time recovery",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Add `point_in_time_recovery { enabled = true }` to the aws_dynamodb_table.",
	},
	"TFO-DYNAMODB-002": {
		"title": "DynamoDB table not encrypted with a customer-managed KMS key",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Add `server_side_encryption { enabled = true, kms_key_arn = <customer KMS key ARN> }`. A deny when tfo_options.kms_required contains \"dynamodb\", else a warning.",
	},
	"TFO-DYNAMODB-003": {
		"title": "DynamoDB table without deletion protection",
		"severity": "medium",
		"cis": null,
		"profile": "strict",
		"remediation": "Set deletion_protection_enabled = true on the aws_dynamodb_table.",
	},
	"TFO-DYNAMODB-004": {
		"title": "DynamoDB table destroyed (delete or replace)",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "A delete or replace loses the table's data. Keep the table (check renames of the resource, its name, hash/range key), or move it in state with a `moved` block; remove it deliberately outside the gated pipeline.",
	},
	"TFO-DYNAMODB-005": {
		"title": "Provisioned DynamoDB table without capacity autoscaling",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Add aws_appautoscaling_target (service_namespace dynamodb, resource_id table/<name>) for read and write capacity, or use billing_mode = \"PAY_PER_REQUEST\".",
	},
	"TFO-DYNAMODB-006": {
		"title": "DynamoDB global table replica without point-in-time recovery",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Set point_in_time_recovery = true in every replica block.",
	},
}

tables := lib.configured("aws_dynamodb_table")

# --- 001 point-in-time recovery ---------------------------------------------------------------

pitr_enabled(t) if {
	some p in lib.get(t, "point_in_time_recovery", [])
	p.enabled == true
}

deny contains lib.finding("TFO-DYNAMODB-001", t.address, "point-in-time recovery is not enabled") if {
	lib.on(metadata, "TFO-DYNAMODB-001", false)
	some t in tables
	not pitr_enabled(t)
	not lib.unknown_value(t, "point_in_time_recovery.0.enabled")
}

warn contains lib.unknown_finding("TFO-DYNAMODB-001", t.address, "point_in_time_recovery.enabled") if {
	lib.on(metadata, "TFO-DYNAMODB-001", false)
	some t in tables
	not pitr_enabled(t)
	lib.unknown_value(t, "point_in_time_recovery.0.enabled")
}

# --- 002 customer-managed KMS key -------------------------------------------------------------

cmk_set(t) if {
	some s in lib.get(t, "server_side_encryption", [])
	s.enabled == true
	is_string(s.kms_key_arn)
	s.kms_key_arn != ""
}

# Set from a key of this plan (the normaliser's `set`: the nested path, or the block when the
# configuration names kms_key_arn in it).
cmk_set(t) if "server_side_encryption.0.kms_key_arn" in object.get(t, "set", [])

cmk_set(t) if {
	"server_side_encryption" in object.get(t, "set", [])
	cmk_configured(t)
}

cmk_configured(t) if {
	some block in object.get(lib.config_of(t), ["expressions", "server_side_encryption"], [])
	block.kms_key_arn
}

# Unknown only when the configuration names a key (server_side_encryption is computed: a table
# without the block, or without kms_key_arn in it, plans it unknown and gets an AWS owned key).
cmk_unknown(t) if {
	lib.unknown_value(t, "server_side_encryption.0.kms_key_arn")
	cmk_configured(t)
}

cmk_missing_message := "server_side_encryption does not name a customer-managed KMS key (kms_key_arn): the table uses an AWS owned key"

deny contains lib.finding("TFO-DYNAMODB-002", t.address, cmk_missing_message) if {
	lib.on(metadata, "TFO-DYNAMODB-002", false)
	lib.kms_required("dynamodb")
	some t in tables
	not cmk_set(t)
	not cmk_unknown(t)
}

# without kms_required an AWS owned key still encrypts the table: a customer key is advisory (strict)
warn contains lib.advisory(lib.finding("TFO-DYNAMODB-002", t.address, cmk_missing_message)) if {
	lib.on(metadata, "TFO-DYNAMODB-002", true)
	not lib.kms_required("dynamodb")
	some t in tables
	not cmk_set(t)
	not cmk_unknown(t)
}

warn contains lib.unknown_finding("TFO-DYNAMODB-002", t.address, "server_side_encryption.kms_key_arn") if {
	lib.on(metadata, "TFO-DYNAMODB-002", false)
	lib.kms_required("dynamodb")
	some t in tables
	not cmk_set(t)
	cmk_unknown(t)
}

# --- 003 deletion protection ------------------------------------------------------------------

warn contains lib.finding("TFO-DYNAMODB-003", t.address, "deletion_protection_enabled is not true") if {
	lib.on(metadata, "TFO-DYNAMODB-003", false)
	some t in tables
	lib.get(t, "deletion_protection_enabled", false) != true
	not lib.unknown_value(t, "deletion_protection_enabled")
}

warn contains lib.unknown_finding("TFO-DYNAMODB-003", t.address, "deletion_protection_enabled") if {
	lib.on(metadata, "TFO-DYNAMODB-003", false)
	some t in tables
	lib.unknown_value(t, "deletion_protection_enabled")
}

# --- 004 destruction --------------------------------------------------------------------------

deny contains destroyed_finding(t) if {
	some t in lib.destroyed("aws_dynamodb_table")
	lib.destroy_blocks(t)
}

warn contains destroyed_finding(t) if {
	some t in lib.destroyed("aws_dynamodb_table")
	not lib.destroy_blocks(t)
}

destroyed_finding(t) := lib.finding("TFO-DYNAMODB-004", t.address, sprintf("the plan will %s this table and lose its data", [t.change]))

# --- 005 provisioned capacity without autoscaling ---------------------------------------------

autoscaled_table_names contains name if {
	some a in lib.configured("aws_appautoscaling_target")
	lib.get(a, "service_namespace", "") == "dynamodb"
	startswith(lib.get(a, "resource_id", ""), "table/")
	name := substring(a.after.resource_id, 6, -1)
}

# Targets that this plan leaves untouched still exist.
autoscaled_table_names contains name if {
	some a in lib.of_type("aws_appautoscaling_target")
	a.change == "no-op"
	lib.get(a, "service_namespace", "") == "dynamodb"
	startswith(lib.get(a, "resource_id", ""), "table/")
	name := substring(a.after.resource_id, 6, -1)
}

# A target whose resource_id is unknown may be this table's: give the benefit of the doubt.
autoscaling_unknown if {
	some a in lib.configured("aws_appautoscaling_target")
	lib.unknown_value(a, "resource_id")
}

warn contains lib.finding("TFO-DYNAMODB-005", t.address, "billing_mode is PROVISIONED and no aws_appautoscaling_target scales this table's capacity") if {
	lib.on(metadata, "TFO-DYNAMODB-005", false)
	some t in tables
	lib.get(t, "billing_mode", "PROVISIONED") == "PROVISIONED"
	not lib.unknown_value(t, "billing_mode")
	not lib.get(t, "name", "") in autoscaled_table_names
	not autoscaling_unknown
}

# --- 006 replicas without PITR ----------------------------------------------------------------

deny contains lib.finding("TFO-DYNAMODB-006", t.address, sprintf("replica %d does not enable point_in_time_recovery", [i])) if {
	lib.on(metadata, "TFO-DYNAMODB-006", false)
	some t in tables
	some i, rep in lib.get(t, "replica", [])
	object.get(rep, "point_in_time_recovery", false) != true
	not sprintf("replica.%d.point_in_time_recovery", [i]) in t.unknown
}

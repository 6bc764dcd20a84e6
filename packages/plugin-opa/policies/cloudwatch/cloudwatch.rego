# CloudWatch and CloudTrail (logging and monitoring): log group encryption and retention,
# destructive changes to log groups, alarms without actions, CIS 4.x metric filters without an
# alarm, and the CIS 3.x CloudTrail settings.
package tfo.rules.cloudwatch

import data.tfo.lib

metadata := {
	"TFO-CLOUDWATCH-001": {
		"title": "CloudWatch log group not encrypted with a KMS key",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Set kms_key_id on the aws_cloudwatch_log_group to a customer-managed KMS key whose policy lets logs.<region>.amazonaws.com use it. A deny when tfo_options.kms_required contains \"cloudwatch\", else an advisory warning (strict profile).",
	},
	"TFO-CLOUDWATCH-002": {
		"title": "CloudWatch log group retention below the minimum",
		"severity": "medium",
		"cis": null,
		"profile": "strict",
		"remediation": "Set retention_in_days to at least tfo_options.log_retention_min_days (default 365), or 0 to never expire.",
	},
	"TFO-CLOUDWATCH-003": {
		"title": "CloudWatch metric alarm without alarm actions",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Set alarm_actions (e.g. an SNS topic ARN) so that someone is told when the alarm fires.",
	},
	"TFO-CLOUDWATCH-004": {
		"title": "Unauthorized API calls metric filter without an alarm",
		"severity": "medium",
		"cis": "4.1",
		"profile": "baseline",
		"remediation": "Add an aws_cloudwatch_metric_alarm on the filter's metric (same metric_name and namespace) with alarm_actions.",
	},
	"TFO-CLOUDWATCH-005": {
		"title": "Root account usage metric filter without an alarm",
		"severity": "medium",
		"cis": "4.3",
		"profile": "baseline",
		"remediation": "Add an aws_cloudwatch_metric_alarm on the filter's metric (same metric_name and namespace) with alarm_actions.",
	},
	"TFO-CLOUDWATCH-006": {
		"title": "CloudWatch log group destroyed (delete or replace)",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "A delete or replace loses the group's log events. Keep the log group (check renames), move it in state with a `moved` block, or set skip_destroy = true.",
	},
	"TFO-CLOUDWATCH-007": {
		"title": "CloudTrail trail not multi-region",
		"severity": "medium",
		"cis": "3.1",
		"profile": "baseline",
		"remediation": "Set is_multi_region_trail = true (and include_global_service_events = true).",
	},
	"TFO-CLOUDWATCH-008": {
		"title": "CloudTrail log file validation disabled",
		"severity": "medium",
		"cis": "3.2",
		"profile": "baseline",
		"remediation": "Set enable_log_file_validation = true.",
	},
	"TFO-CLOUDWATCH-009": {
		"title": "CloudTrail logs not encrypted with a KMS key",
		"severity": "medium",
		"cis": "3.5",
		"profile": "baseline",
		"remediation": "Set kms_key_id on the aws_cloudtrail to a customer-managed KMS key.",
	},
}

log_groups := lib.configured("aws_cloudwatch_log_group")

trails := lib.configured("aws_cloudtrail")

# --- 001 log group encryption -----------------------------------------------------------------

# Set when known, or set from a resource of this plan (e.g. an aws_kms_key's arn).
# Log events are always encrypted (a service key): a customer key blocks only when
# tfo_options.kms_required contains "cloudwatch", else it is advisory (strict).
cmk_missing(g) if {
	not lib.present(g, "kms_key_id")
	not lib.presence_unknown(g, "kms_key_id")
}

cmk_missing_message := "kms_key_id is not set: log events are encrypted only with a service key"

deny contains lib.finding("TFO-CLOUDWATCH-001", g.address, cmk_missing_message) if {
	lib.on(metadata, "TFO-CLOUDWATCH-001", false)
	lib.kms_required("cloudwatch")
	some g in log_groups
	cmk_missing(g)
}

warn contains lib.advisory(lib.finding("TFO-CLOUDWATCH-001", g.address, cmk_missing_message)) if {
	lib.on(metadata, "TFO-CLOUDWATCH-001", true)
	not lib.kms_required("cloudwatch")
	some g in log_groups
	cmk_missing(g)
}

warn contains lib.unknown_finding("TFO-CLOUDWATCH-001", g.address, "kms_key_id") if {
	lib.on(metadata, "TFO-CLOUDWATCH-001", false)
	lib.kms_required("cloudwatch")
	some g in log_groups
	lib.presence_unknown(g, "kms_key_id")
}

# --- 002 retention ----------------------------------------------------------------------------

min_retention_days := lib.number_option("log_retention_min_days", 365)

# 0 (or unset) means the events never expire, which meets any minimum.
deny contains lib.finding("TFO-CLOUDWATCH-002", g.address, sprintf("retention_in_days is %d, below the minimum of %d days", [days, min_retention_days])) if {
	lib.on(metadata, "TFO-CLOUDWATCH-002", false)
	some g in log_groups
	days := lib.get(g, "retention_in_days", 0)
	days > 0
	days < min_retention_days
}

warn contains lib.unknown_finding("TFO-CLOUDWATCH-002", g.address, "retention_in_days") if {
	lib.on(metadata, "TFO-CLOUDWATCH-002", false)
	some g in log_groups
	lib.unknown_value(g, "retention_in_days")
}

# --- 003 alarms without actions ---------------------------------------------------------------

alarms := lib.configured("aws_cloudwatch_metric_alarm")

warn contains lib.finding("TFO-CLOUDWATCH-003", a.address, "alarm_actions is empty: nobody is notified when the alarm fires") if {
	lib.on(metadata, "TFO-CLOUDWATCH-003", false)
	some a in alarms
	count(lib.get(a, "alarm_actions", [])) == 0
	not "alarm_actions" in a.unknown
}

warn contains lib.finding("TFO-CLOUDWATCH-003", a.address, "actions_enabled is false: the alarm's actions never run") if {
	lib.on(metadata, "TFO-CLOUDWATCH-003", false)
	some a in alarms
	count(lib.get(a, "alarm_actions", [])) > 0
	lib.get(a, "actions_enabled", true) == false
}

# --- 004 / 005 CIS metric filters without an alarm --------------------------------------------

# Alarms that exist after this plan (created, updated, replaced, or left as they are).
watched_metrics contains [lib.get(a, "namespace", ""), lib.get(a, "metric_name", "")] if {
	some a in lib.of_type("aws_cloudwatch_metric_alarm")
	a.change in {"create", "update", "replace", "no-op"}
}

alarm_metric_unknown if {
	some a in alarms
	some attr in ["namespace", "metric_name"]
	lib.unknown_value(a, attr)
}

filters := lib.configured("aws_cloudwatch_log_metric_filter")

unwatched(f) if {
	some m in lib.get(f, "metric_transformation", [])
	not [object.get(m, "namespace", ""), object.get(m, "name", "")] in watched_metrics
	not alarm_metric_unknown
}

pattern(f) := lower(lib.get(f, "pattern", ""))

unauthorized_calls_filter(f) if contains(pattern(f), "unauthorizedoperation")

unauthorized_calls_filter(f) if contains(pattern(f), "accessdenied")

root_usage_filter(f) if {
	contains(pattern(f), "useridentity.type")
	contains(pattern(f), "root")
}

warn contains lib.finding("TFO-CLOUDWATCH-004", f.address, "this unauthorized-API-calls metric filter has no alarm on its metric in this plan") if {
	lib.on(metadata, "TFO-CLOUDWATCH-004", false)
	some f in filters
	unauthorized_calls_filter(f)
	unwatched(f)
}

warn contains lib.finding("TFO-CLOUDWATCH-005", f.address, "this root-account-usage metric filter has no alarm on its metric in this plan") if {
	lib.on(metadata, "TFO-CLOUDWATCH-005", false)
	some f in filters
	root_usage_filter(f)
	unwatched(f)
}

# --- 006 log group destruction ----------------------------------------------------------------

# Graded: a log group warns by default (tfo_options.destroy.block makes it block).
deny contains destroyed_finding(g) if {
	some g in lib.destroyed("aws_cloudwatch_log_group")
	lib.destroy_blocks(g)
}

warn contains destroyed_finding(g) if {
	some g in lib.destroyed("aws_cloudwatch_log_group")
	not lib.destroy_blocks(g)
}

destroyed_finding(g) := lib.finding("TFO-CLOUDWATCH-006", g.address, sprintf("the plan will %s this log group and lose its log events", [g.change]))

# --- 007 / 008 / 009 CloudTrail ---------------------------------------------------------------

deny contains lib.finding("TFO-CLOUDWATCH-007", t.address, "is_multi_region_trail is not true: activity in other regions is not logged") if {
	lib.on(metadata, "TFO-CLOUDWATCH-007", false)
	some t in trails
	lib.get(t, "is_multi_region_trail", false) != true
	not lib.unknown_value(t, "is_multi_region_trail")
}

deny contains lib.finding("TFO-CLOUDWATCH-008", t.address, "enable_log_file_validation is not true: log files can be altered undetected") if {
	lib.on(metadata, "TFO-CLOUDWATCH-008", false)
	some t in trails
	lib.get(t, "enable_log_file_validation", false) != true
	not lib.unknown_value(t, "enable_log_file_validation")
}

deny contains lib.finding("TFO-CLOUDWATCH-009", t.address, "kms_key_id is not set: trail logs use SSE-S3 only") if {
	lib.on(metadata, "TFO-CLOUDWATCH-009", false)
	some t in trails
	not lib.present(t, "kms_key_id")
	not lib.presence_unknown(t, "kms_key_id")
}

warn contains lib.unknown_finding("TFO-CLOUDWATCH-009", t.address, "kms_key_id") if {
	lib.on(metadata, "TFO-CLOUDWATCH-009", false)
	some t in trails
	lib.presence_unknown(t, "kms_key_id")
}

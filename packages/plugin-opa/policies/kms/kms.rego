# KMS keys: rotation, key policies, deletion window, multi-region keys, disabled keys and
# destructive changes.
package tfo.rules.kms

import data.tfo.lib

metadata := {
	"TFO-KMS-001": {
		"title": "KMS symmetric key without automatic rotation",
		"severity": "medium",
		"cis": "3.6",
		"profile": "baseline",
		"remediation": "Set enable_key_rotation = true on the aws_kms_key.",
	},
	"TFO-KMS-002": {
		"title": "KMS key policy allows any principal without a narrowing condition",
		"severity": "critical",
		"cis": null,
		"profile": "baseline",
		"remediation": "Name the principals in the key policy, or add a condition such as aws:PrincipalOrgID or aws:SourceAccount.",
	},
	"TFO-KMS-003": {
		"title": "KMS key policy grants all KMS actions to any principal",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Grant kms:* only to the account root or named key administrators; give everyone else only the usage actions they need.",
	},
	"TFO-KMS-004": {
		"title": "KMS key deletion window shorter than 14 days",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Set deletion_window_in_days to 14 or more (the default is 30) to leave time to cancel an accidental deletion.",
	},
	"TFO-KMS-005": {
		"title": "KMS multi-Region key",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Use a single-Region key unless the data really must be decrypted in other Regions; replicas widen where the key material lives.",
	},
	"TFO-KMS-006": {
		"title": "KMS key deleted or replaced",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Check that nothing still needs the key: data encrypted under a deleted key cannot be decrypted. Keep the resource or revert the change that forces replacement.",
	},
	"TFO-KMS-007": {
		"title": "KMS key disabled",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Check that nothing uses the key before disabling it (is_enabled = false); disabled keys fail every cryptographic operation.",
	},
	"TFO-KMS-008": {
		"title": "KMS key policy lockout safety check bypassed",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Leave bypass_policy_lockout_safety_check false so that a policy cannot lock the account out of the key.",
	},
}

# ---------------------------------------------------------------- helpers

keys := lib.configured("aws_kms_key")

# Resources carrying a key policy.
policy_holders := array.concat(keys, lib.configured("aws_kms_key_policy"))

statements contains [r, i, s] if {
	some r in policy_holders
	written_policy(r)
	some i, s in r.docs.policy.Statement
}

# A key's policy where the configuration writes it (the provider reads the current policy, e.g. one
# set by an aws_kms_key_policy, back into `policy` on updates: that is checked on its own resource).
written_policy(r) if r.type == "aws_kms_key_policy"

written_policy(r) if lib.configured_attr(r, "policy")

# Key policies unknown until apply and not built from an aws_iam_policy_document data source (those
# are in r.docs.policy, values unknown until apply shown as lib.unknown_marker; an unknown principal
# is the ARN of a resource of this plan, never "*").
unknown_policies contains r if {
	some r in policy_holders
	lib.set_unknown(r, "policy")
	not lib.doc_from_source(r, "policy")
}

# Statements open to anyone whose actions are unknown until apply.
unknown_action_statements contains r if {
	some [r, _, s] in statements
	lib.allows_anyone(s)
	some a in lib.actions(s)
	lib.unknown_in_doc(a)
}

# ---------------------------------------------------------------- TFO-KMS-001 rotation

# Keys that can rotate: symmetric encryption keys in AWS KMS (not asymmetric, HMAC or custom key stores).
rotatable(r) if {
	lib.get(r, "customer_master_key_spec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
	lib.get(r, "custom_key_store_id", "") == ""
}

deny contains lib.finding("TFO-KMS-001", r.address, "enable_key_rotation is not true for a symmetric key") if {
	lib.on(metadata, "TFO-KMS-001", false)
	some r in keys
	rotatable(r)
	not lib.is_unknown(r, "enable_key_rotation")
	lib.get(r, "enable_key_rotation", false) != true
}

warn contains lib.unknown_finding("TFO-KMS-001", r.address, "enable_key_rotation") if {
	lib.on(metadata, "TFO-KMS-001", false)
	some r in keys
	rotatable(r)
	lib.is_unknown(r, "enable_key_rotation")
}

# ---------------------------------------------------------------- TFO-KMS-002 anyone, not narrowed

deny contains lib.finding("TFO-KMS-002", r.address, sprintf("policy %s allows any principal without a narrowing condition", [lib.statement_label(s, i)])) if {
	lib.on(metadata, "TFO-KMS-002", false)
	some [r, i, s] in statements
	lib.allows_anyone(s)
	lib.unnarrowed(s)
}

warn contains lib.unknown_finding("TFO-KMS-002", r.address, "policy") if {
	lib.on(metadata, "TFO-KMS-002", false)
	some r in unknown_policies
}

# ---------------------------------------------------------------- TFO-KMS-003 kms:* to anyone

# Narrowed or not: every KMS action includes PutKeyPolicy and ScheduleKeyDeletion.
deny contains lib.finding("TFO-KMS-003", r.address, sprintf("policy %s allows %s to any principal", [lib.statement_label(s, i), a])) if {
	lib.on(metadata, "TFO-KMS-003", false)
	some [r, i, s] in statements
	lib.allows_anyone(s)
	some a in lib.actions(s)
	a in {"*", "kms:*"}
}

warn contains lib.unknown_finding("TFO-KMS-003", r.address, "policy") if {
	lib.on(metadata, "TFO-KMS-003", false)
	some r in unknown_policies
}

warn contains lib.unknown_finding("TFO-KMS-003", r.address, "policy Action") if {
	lib.on(metadata, "TFO-KMS-003", false)
	some r in unknown_action_statements
}

# ---------------------------------------------------------------- TFO-KMS-004 deletion window

# A warning: 7 days is a valid window that AWS allows; a longer one is hygiene.
warn contains lib.finding("TFO-KMS-004", r.address, sprintf("deletion_window_in_days is %d (minimum 14)", [days])) if {
	lib.on(metadata, "TFO-KMS-004", false)
	some r in keys
	days := r.after.deletion_window_in_days
	is_number(days)
	days < 14
}

warn contains lib.unknown_finding("TFO-KMS-004", r.address, "deletion_window_in_days") if {
	lib.on(metadata, "TFO-KMS-004", false)
	some r in keys
	lib.set_unknown(r, "deletion_window_in_days")
}

# ---------------------------------------------------------------- TFO-KMS-005 multi-Region

warn contains lib.finding("TFO-KMS-005", r.address, "multi_region is true") if {
	lib.on(metadata, "TFO-KMS-005", false)
	some r in keys
	r.after.multi_region == true
}

warn contains lib.unknown_finding("TFO-KMS-005", r.address, "multi_region") if {
	lib.on(metadata, "TFO-KMS-005", false)
	some r in keys
	lib.set_unknown(r, "multi_region")
}

# ---------------------------------------------------------------- TFO-KMS-006 destroyed keys

deny contains destroyed_finding(r) if {
	some r in lib.destroyed("aws_kms_key")
	lib.destroy_blocks(r)
}

warn contains destroyed_finding(r) if {
	some r in lib.destroyed("aws_kms_key")
	not lib.destroy_blocks(r)
}

destroyed_finding(r) := lib.finding("TFO-KMS-006", r.address, sprintf("key is %s: its key material is scheduled for deletion", [verb])) if {
	verb := {"delete": "deleted", "replace": "replaced"}[r.change]
}

# ---------------------------------------------------------------- TFO-KMS-007 disabled keys

warn contains lib.finding("TFO-KMS-007", r.address, "is_enabled is false") if {
	lib.on(metadata, "TFO-KMS-007", false)
	some r in keys
	r.after.is_enabled == false
}

warn contains lib.unknown_finding("TFO-KMS-007", r.address, "is_enabled") if {
	lib.on(metadata, "TFO-KMS-007", false)
	some r in keys
	lib.set_unknown(r, "is_enabled")
}

# ---------------------------------------------------------------- TFO-KMS-008 lockout safety check

deny contains lib.finding("TFO-KMS-008", r.address, "bypass_policy_lockout_safety_check is true") if {
	lib.on(metadata, "TFO-KMS-008", false)
	some r in policy_holders
	r.after.bypass_policy_lockout_safety_check == true
}

warn contains lib.unknown_finding("TFO-KMS-002", r.address, "policy Condition") if {
	lib.on(metadata, "TFO-KMS-002", false)
	some [r, _, s] in statements
	lib.allows_anyone(s)
	lib.narrowing_unknown(s)
}

# S3 buckets: public access, transport and at-rest encryption, versioning, logging, lifecycle,
# ownership, bucket policies and destructive changes. Bucket-level rules read input.buckets (the
# split aws_s3_bucket_* resources joined to their bucket); policy rules read every bucket policy.
package tfo.rules.s3

import data.tfo.lib

metadata := {
	"TFO-S3-001": {
		"title": "S3 bucket without a complete public access block",
		"severity": "high",
		"cis": "2.1.4",
		"profile": "baseline",
		"remediation": "Add aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true.",
	},
	"TFO-S3-002": {
		"title": "S3 bucket with a public canned ACL",
		"severity": "critical",
		"cis": null,
		"profile": "baseline",
		"remediation": "Use acl = \"private\" (or no ACL with object ownership BucketOwnerEnforced); grant access through a bucket policy naming principals.",
	},
	"TFO-S3-003": {
		"title": "S3 bucket ACL grants access to AllUsers or AuthenticatedUsers",
		"severity": "critical",
		"cis": null,
		"profile": "baseline",
		"remediation": "Remove grants to the global AllUsers and AuthenticatedUsers groups; disable ACLs with BucketOwnerEnforced.",
	},
	"TFO-S3-004": {
		"title": "S3 bucket policy does not deny requests without TLS",
		"severity": "medium",
		"cis": "2.1.1",
		"profile": "baseline",
		"remediation": "Add a bucket policy statement: Effect Deny, Principal \"*\", Action \"s3:*\", the bucket and its objects, Condition Bool aws:SecureTransport = \"false\".",
	},
	"TFO-S3-005": {
		"title": "S3 bucket policy allows any principal without a narrowing condition",
		"severity": "critical",
		"cis": null,
		"profile": "baseline",
		"remediation": "Name the principals, or add a condition such as aws:PrincipalOrgID, aws:SourceAccount or aws:SourceVpce.",
	},
	"TFO-S3-006": {
		"title": "S3 bucket policy grants all S3 actions to any principal",
		"severity": "critical",
		"cis": null,
		"profile": "baseline",
		"remediation": "Grant only the actions needed, to named principals.",
	},
	"TFO-S3-007": {
		"title": "S3 bucket policy grants write or delete actions to any principal",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Grant s3:Put*/s3:Delete* only to named principals (roles or accounts), never to Principal \"*\".",
	},
	"TFO-S3-008": {
		"title": "S3 bucket without a server-side encryption configuration",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Add aws_s3_bucket_server_side_encryption_configuration for the bucket.",
	},
	"TFO-S3-009": {
		"title": "S3 bucket not encrypted with a customer managed KMS key (KMS required)",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Set sse_algorithm = \"aws:kms\" and kms_master_key_id to a customer managed key.",
	},
	"TFO-S3-010": {
		"title": "S3 bucket using SSE-KMS without an S3 bucket key",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Set bucket_key_enabled = true in the encryption rule to cut KMS requests and cost.",
	},
	"TFO-S3-011": {
		"title": "S3 bucket versioning not enabled",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Add aws_s3_bucket_versioning with versioning_configuration status = \"Enabled\".",
	},
	"TFO-S3-012": {
		"title": "S3 bucket without server access logging",
		"severity": "medium",
		"cis": null,
		"profile": "strict",
		"remediation": "Add aws_s3_bucket_logging sending access logs to a central log bucket.",
	},
	"TFO-S3-013": {
		"title": "S3 bucket lifecycle does not abort incomplete multipart uploads",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Add an enabled aws_s3_bucket_lifecycle_configuration rule with abort_incomplete_multipart_upload { days_after_initiation = 7 }.",
	},
	"TFO-S3-014": {
		"title": "S3 bucket object ownership allows ACLs",
		"severity": "medium",
		"cis": null,
		"profile": "strict",
		"remediation": "Set aws_s3_bucket_ownership_controls rule object_ownership = \"BucketOwnerEnforced\".",
	},
	"TFO-S3-015": {
		"title": "S3 bucket deleted or replaced",
		"severity": "critical",
		"cis": null,
		"profile": "baseline",
		"remediation": "Check that destroying the bucket and its objects is intended; otherwise keep the resource (moved blocks, lifecycle prevent_destroy) or revert the change that forces replacement.",
	},
	"TFO-S3-016": {
		"title": "S3 bucket with force_destroy enabled",
		"severity": "medium",
		"cis": null,
		"profile": "strict",
		"remediation": "Leave force_destroy false so that a non-empty bucket cannot be destroyed with its objects.",
	},
	"TFO-S3-017": {
		"title": "S3 bucket policy allows with NotPrincipal",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Use Principal with the principals to allow; NotPrincipal with Allow grants everyone else, including anonymous users.",
	},
}

# ---------------------------------------------------------------- helpers

# Buckets this plan creates, updates or replaces.
# An array, not a set: a set of these large objects hashes each of them whole.
configured_buckets := [b | some b in input.buckets; b.bucket.configures]

# Whether the bucket has a part after apply: a joined split resource that is not being deleted
# (one being created, updated or replaced keeps the view), or the same setting written inline in
# the aws_s3_bucket (legacy arguments). A null part only ever means "missing".
present(b, key) if {
	b[key] != null
	b[key].change != "delete"
} else if {
	inline_part(b.bucket, key)
}

# Legacy inline settings of aws_s3_bucket, counted only where the configuration writes them (the
# provider computes them otherwise).
inline_blocks := {"sse": "server_side_encryption_configuration", "logging": "logging", "lifecycle": "lifecycle_rule"}

inline_part(r, key) if {
	attr := inline_blocks[key]
	count(lib.get(r, attr, [])) > 0
	lib.configured_attr(r, attr)
}

inline_part(r, "versioning") if {
	some v in lib.get(r, "versioning", [])
	v.enabled == true
	lib.configured_attr(r, "versioning")
}

inline_part(r, "policy") if {
	lib.present(r, "policy")
	lib.configured_attr(r, "policy")
}

pab_flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

public_canned_acls := {"public-read", "public-read-write", "authenticated-read"}

public_groups := {
	"http://acs.amazonaws.com/groups/global/AllUsers",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}

kms_algorithms := {"aws:kms", "aws:kms:dsse"}

# Resources carrying a bucket policy document, and the documents they carry.
policy_holders contains r if some r in lib.configured("aws_s3_bucket_policy")

# A legacy inline policy, only where the configuration writes it: the provider reads the bucket's
# current policy (set by an aws_s3_bucket_policy) into `policy` on every update.
policy_holders contains r if {
	some r in lib.configured("aws_s3_bucket")
	r.docs.policy != null
	lib.configured_attr(r, "policy")
}

# [resource, index, statement] for every statement of every known bucket policy.
statements contains [r, i, s] if {
	some r in policy_holders
	some i, s in r.docs.policy.Statement
}

# Bucket policies unknown until apply (and not built from an aws_iam_policy_document data source:
# those are in r.docs.policy, values unknown until apply shown as lib.unknown_marker).
unknown_policies contains r if {
	some r in lib.configured("aws_s3_bucket_policy")
	lib.doc_unknown(r, "policy")
}

# Statements open to anyone whose actions are unknown until apply (for 007: not narrowed).
unknown_action_statements contains [r, s] if {
	some [r, _, s] in statements
	lib.allows_anyone(s)
	some a in lib.actions(s)
	lib.unknown_in_doc(a)
}

# The values of a condition key (case-insensitive) under any operator, as a flat list.
condition_values(s, key) := [v |
	some _, kv in s.Condition
	some k, vals in kv
	lower(k) == key
	some v in lib.as_list(vals)
]

all_s3(a) if a in {"*", "s3:*"}

write_action(a) if {
	not all_s3(a)
	l := lower(a)
	some prefix in ["s3:put", "s3:delete", "s3:replicate", "s3:restore", "s3:*"]
	startswith(l, prefix)
}

# The default encryption rules of an SSE configuration.
sse_defaults(r) := [d | some rule in r.after.rule; some d in rule.apply_server_side_encryption_by_default]

# Whether any part of the SSE default (or the rule block itself) is unknown until apply, and not
# known to be set from a resource of this plan (a key created here is a customer managed key).
sse_unknown(r, attr) if {
	some p in r.unknown
	startswith(p, "rule.")
	endswith(p, sprintf(".%s", [attr]))
	not sse_set(r, attr)
}

sse_unknown(r, _) if {
	lib.is_unknown(r, "rule")
	not r.after.rule
}

# Whether an SSE default attribute is set from a reference to a resource of this plan.
sse_set(r, attr) if {
	some p in object.get(r, "set", [])
	startswith(p, "rule.")
	endswith(p, sprintf(".%s", [attr]))
}

aws_managed_key(id) if id == ""

aws_managed_key(id) if endswith(id, "alias/aws/s3")

# ---------------------------------------------------------------- TFO-S3-001 public access block

deny contains lib.finding("TFO-S3-001", b.address, "no aws_s3_bucket_public_access_block for this bucket") if {
	lib.on(metadata, "TFO-S3-001", false)
	some b in configured_buckets
	not present(b, "public_access_block")
	not account_blocks_public_access
}

# The account's public access block (aws_s3_account_public_access_block, kept or configured by this
# plan) with all four flags true covers every bucket of the account.
account_blocks_public_access if {
	some r in lib.of_type("aws_s3_account_public_access_block")
	r.change in {"create", "update", "replace", "no-op"}
	every f in pab_flags {
		object.get(r.after, f, null) == true
	}
}

deny contains lib.finding("TFO-S3-001", r.address, sprintf("public access block flags not true: %s", [concat(", ", off)])) if {
	lib.on(metadata, "TFO-S3-001", false)
	some r in lib.configured("aws_s3_bucket_public_access_block")
	off := [f | some f in pab_flags; not lib.is_unknown(r, f); object.get(r.after, f, null) != true]
	count(off) > 0
}

warn contains lib.unknown_finding("TFO-S3-001", r.address, f) if {
	lib.on(metadata, "TFO-S3-001", false)
	some r in lib.configured("aws_s3_bucket_public_access_block")
	some f in pab_flags
	lib.is_unknown(r, f)
}

# ---------------------------------------------------------------- TFO-S3-002 public canned ACL

deny contains lib.finding("TFO-S3-002", r.address, sprintf("acl is the public canned ACL %s", [r.after.acl])) if {
	lib.on(metadata, "TFO-S3-002", false)
	some type in ["aws_s3_bucket_acl", "aws_s3_bucket"]
	some r in lib.configured(type)
	r.after.acl in public_canned_acls
}

warn contains lib.unknown_finding("TFO-S3-002", r.address, "acl") if {
	lib.on(metadata, "TFO-S3-002", false)
	some r in lib.configured("aws_s3_bucket_acl")
	lib.is_unknown(r, "acl")
}

# ---------------------------------------------------------------- TFO-S3-003 public grants

deny contains lib.finding("TFO-S3-003", r.address, sprintf("access_control_policy grants %s to %s", [g.permission, grantee.uri])) if {
	lib.on(metadata, "TFO-S3-003", false)
	some r in lib.configured("aws_s3_bucket_acl")
	some acp in r.after.access_control_policy
	some g in acp.grant
	some grantee in g.grantee
	grantee.uri in public_groups
}

deny contains lib.finding("TFO-S3-003", r.address, sprintf("grant gives %s to %s", [concat(", ", g.permissions), g.uri])) if {
	lib.on(metadata, "TFO-S3-003", false)
	some r in lib.configured("aws_s3_bucket")
	some g in r.after.grant # legacy inline grants
	g.uri in public_groups
}

warn contains lib.unknown_finding("TFO-S3-003", r.address, p) if {
	lib.on(metadata, "TFO-S3-003", false)
	some r in lib.configured("aws_s3_bucket_acl")
	some p in r.unknown
	startswith(p, "access_control_policy.")
	endswith(p, ".uri")
}

# ---------------------------------------------------------------- TFO-S3-004 deny non-TLS

# A statement denying every S3 action to everyone when aws:SecureTransport is false.
denies_insecure_transport(doc) if {
	some s in doc.Statement
	s.Effect == "Deny"
	"*" in lib.principals(s)
	some a in lib.actions(s)
	all_s3(a)
	some v in condition_values(s, "aws:securetransport")
	lower(sprintf("%v", [v])) == "false"
}

deny contains lib.finding("TFO-S3-004", b.address, "no bucket policy: requests without TLS are not denied") if {
	lib.on(metadata, "TFO-S3-004", false)
	some b in configured_buckets
	not present(b, "policy")
}

deny contains lib.finding("TFO-S3-004", r.address, "policy has no Deny statement for aws:SecureTransport = false") if {
	lib.on(metadata, "TFO-S3-004", false)
	some r in policy_holders
	r.docs.policy != null
	not denies_insecure_transport(r.docs.policy)
}

warn contains lib.unknown_finding("TFO-S3-004", r.address, "policy") if {
	lib.on(metadata, "TFO-S3-004", false)
	some r in unknown_policies
}

# ---------------------------------------------------------------- TFO-S3-005 anyone, not narrowed

deny contains lib.finding("TFO-S3-005", r.address, sprintf("policy %s allows any principal without a narrowing condition", [lib.statement_label(s, i)])) if {
	lib.on(metadata, "TFO-S3-005", false)
	some [r, i, s] in statements
	lib.allows_anyone(s)
	lib.unnarrowed(s)
}

warn contains lib.unknown_finding("TFO-S3-005", r.address, "policy") if {
	lib.on(metadata, "TFO-S3-005", false)
	some r in unknown_policies
}

# ---------------------------------------------------------------- TFO-S3-006 s3:* to anyone

deny contains lib.finding("TFO-S3-006", r.address, sprintf("policy %s allows %s to any principal", [lib.statement_label(s, i), a])) if {
	lib.on(metadata, "TFO-S3-006", false)
	some [r, i, s] in statements
	lib.allows_anyone(s)
	some a in lib.actions(s)
	all_s3(a)
}

warn contains lib.unknown_finding("TFO-S3-006", r.address, "policy") if {
	lib.on(metadata, "TFO-S3-006", false)
	some r in unknown_policies
}

warn contains lib.unknown_finding("TFO-S3-006", r.address, "policy Action") if {
	lib.on(metadata, "TFO-S3-006", false)
	some [r, _] in unknown_action_statements
}

# ---------------------------------------------------------------- TFO-S3-007 writes to anyone

deny contains lib.finding("TFO-S3-007", r.address, sprintf("policy %s allows %s to any principal", [lib.statement_label(s, i), a])) if {
	lib.on(metadata, "TFO-S3-007", false)
	some [r, i, s] in statements
	lib.allows_anyone(s)
	lib.unnarrowed(s)
	some a in lib.actions(s)
	write_action(a)
}

warn contains lib.unknown_finding("TFO-S3-007", r.address, "policy") if {
	lib.on(metadata, "TFO-S3-007", false)
	some r in unknown_policies
}

warn contains lib.unknown_finding("TFO-S3-007", r.address, "policy Action") if {
	lib.on(metadata, "TFO-S3-007", false)
	some [r, s] in unknown_action_statements
	lib.unnarrowed(s)
}

# ---------------------------------------------------------------- TFO-S3-017 Allow with NotPrincipal

deny contains lib.finding("TFO-S3-017", r.address, sprintf("policy %s allows with NotPrincipal", [lib.statement_label(s, i)])) if {
	lib.on(metadata, "TFO-S3-017", false)
	some [r, i, s] in statements
	s.Effect == "Allow"
	s.NotPrincipal
}

warn contains lib.unknown_finding("TFO-S3-017", r.address, "policy") if {
	lib.on(metadata, "TFO-S3-017", false)
	some r in unknown_policies
}

# ---------------------------------------------------------------- TFO-S3-008 SSE configured

deny contains lib.finding("TFO-S3-008", b.address, "no aws_s3_bucket_server_side_encryption_configuration for this bucket") if {
	lib.on(metadata, "TFO-S3-008", false)
	some b in configured_buckets
	not present(b, "sse")
}

# ---------------------------------------------------------------- TFO-S3-009 SSE-KMS with a customer key

sse_kms_subject contains r if {
	lib.kms_required("s3")
	some r in lib.configured("aws_s3_bucket_server_side_encryption_configuration")
}

deny contains lib.finding("TFO-S3-009", r.address, sprintf("sse_algorithm is %s, not aws:kms", [d.sse_algorithm])) if {
	lib.on(metadata, "TFO-S3-009", false)
	some r in sse_kms_subject
	some d in sse_defaults(r)
	is_string(d.sse_algorithm)
	not d.sse_algorithm in kms_algorithms
}

deny contains lib.finding("TFO-S3-009", r.address, "kms_master_key_id is not set to a customer managed key") if {
	lib.on(metadata, "TFO-S3-009", false)
	some r in sse_kms_subject
	some d in sse_defaults(r)
	d.sse_algorithm in kms_algorithms
	not sse_unknown(r, "kms_master_key_id")
	not sse_set(r, "kms_master_key_id")
	aws_managed_key(object.get(d, "kms_master_key_id", ""))
}

warn contains lib.unknown_finding("TFO-S3-009", r.address, attr) if {
	lib.on(metadata, "TFO-S3-009", false)
	some r in sse_kms_subject
	some attr in ["sse_algorithm", "kms_master_key_id"]
	sse_unknown(r, attr)
}

# ---------------------------------------------------------------- TFO-S3-010 bucket key with SSE-KMS

# An array, not a set: a set hashes each resource whole.
kms_rules := [[r, i, rule] |
	some r in lib.configured("aws_s3_bucket_server_side_encryption_configuration")
	some i, rule in r.after.rule
	kms_default(rule)
]

kms_default(rule) if {
	some d in rule.apply_server_side_encryption_by_default
	d.sse_algorithm == "aws:kms"
}

warn contains lib.finding("TFO-S3-010", r.address, "bucket_key_enabled is not true for an aws:kms encryption rule") if {
	lib.on(metadata, "TFO-S3-010", false)
	some [r, i, rule] in kms_rules
	not lib.is_unknown(r, sprintf("rule.%d.bucket_key_enabled", [i]))
	object.get(rule, "bucket_key_enabled", null) != true
}

warn contains lib.unknown_finding("TFO-S3-010", r.address, "bucket_key_enabled") if {
	lib.on(metadata, "TFO-S3-010", false)
	some [r, i, _] in kms_rules
	lib.is_unknown(r, sprintf("rule.%d.bucket_key_enabled", [i]))
}

# ---------------------------------------------------------------- TFO-S3-011 versioning

deny contains lib.finding("TFO-S3-011", b.address, "no aws_s3_bucket_versioning for this bucket") if {
	lib.on(metadata, "TFO-S3-011", false)
	some b in configured_buckets
	not present(b, "versioning")
}

deny contains lib.finding("TFO-S3-011", r.address, sprintf("versioning_configuration status is %s, not Enabled", [status])) if {
	lib.on(metadata, "TFO-S3-011", false)
	some r in lib.configured("aws_s3_bucket_versioning")
	some vc in r.after.versioning_configuration
	status := vc.status
	status != "Enabled"
}

warn contains lib.unknown_finding("TFO-S3-011", r.address, "versioning_configuration.status") if {
	lib.on(metadata, "TFO-S3-011", false)
	some r in lib.configured("aws_s3_bucket_versioning")
	versioning_status_unknown(r)
}

versioning_status_unknown(r) if lib.is_unknown(r, "versioning_configuration.0.status")

versioning_status_unknown(r) if {
	lib.is_unknown(r, "versioning_configuration")
	not r.after.versioning_configuration
}

# ---------------------------------------------------------------- TFO-S3-012 access logging

warn contains lib.finding("TFO-S3-012", b.address, "no aws_s3_bucket_logging for this bucket") if {
	lib.on(metadata, "TFO-S3-012", false)
	some b in configured_buckets
	not present(b, "logging")
	not log_target(b.bucket)
	not receives_access_logs(b)
}

# A bucket whose own settings make it a server access log bucket: its policy lets the S3 logging
# service write (terraform-aws-modules/s3-bucket's access log delivery policy), or the legacy
# log-delivery-write ACL.
receives_access_logs(b) if {
	some s in b.policy.docs.policy.Statement
	s.Effect == "Allow"
	some service in lib.as_list(object.get(object.get(s, "Principal", {}), "Service", []))
	service == "logging.s3.amazonaws.com"
}

receives_access_logs(b) if b.acl.after.acl == "log-delivery-write"

# Buckets that receive other buckets' access logs (they need no access logging of their own):
# by known name, or by a configuration reference from target_bucket.
log_target_names contains name if {
	some r in lib.configured("aws_s3_bucket_logging")
	name := r.after.target_bucket
	is_string(name)
}

log_target_names contains name if {
	some r in lib.configured("aws_s3_bucket")
	some l in lib.get(r, "logging", [])
	name := l.target_bucket
	is_string(name)
}

log_target_configs contains sprintf("%s%s", [prefix, target]) if {
	some r in lib.configured("aws_s3_bucket_logging")
	prefix := module_dot(r)
	some ref in object.get(lib.config_of(r), ["expressions", "target_bucket", "references"], [])
	parts := split(ref, ".")
	parts[0] == "aws_s3_bucket"
	target := concat(".", ["aws_s3_bucket", split(parts[1], "[")[0]])
}

module_dot(r) := "" if lib.module_prefix(r) == ""

else := concat("", [lib.module_prefix(r), "."])

log_target(r) if lib.get(r, "bucket", "") in log_target_names

log_target(r) if r.config_address in log_target_configs

# ---------------------------------------------------------------- TFO-S3-013 abort incomplete multipart uploads

aborts_multipart(r) if {
	some rule in r.after.rule
	rule.status == "Enabled"
	some abort in rule.abort_incomplete_multipart_upload
	abort.days_after_initiation > 0
}

warn contains lib.finding("TFO-S3-013", b.address, "no aws_s3_bucket_lifecycle_configuration for this bucket") if {
	lib.on(metadata, "TFO-S3-013", false)
	some b in configured_buckets
	not present(b, "lifecycle")
}

warn contains lib.finding("TFO-S3-013", r.address, "no enabled rule with abort_incomplete_multipart_upload") if {
	lib.on(metadata, "TFO-S3-013", false)
	some r in lib.configured("aws_s3_bucket_lifecycle_configuration")
	r.after.rule
	not aborts_multipart(r)
}

warn contains lib.unknown_finding("TFO-S3-013", r.address, "rule") if {
	lib.on(metadata, "TFO-S3-013", false)
	some r in lib.configured("aws_s3_bucket_lifecycle_configuration")
	lib.is_unknown(r, "rule")
	not r.after.rule
}

# ---------------------------------------------------------------- TFO-S3-014 object ownership

deny contains lib.finding("TFO-S3-014", r.address, sprintf("object_ownership is %s, not BucketOwnerEnforced", [rule.object_ownership])) if {
	lib.on(metadata, "TFO-S3-014", false)
	some r in lib.configured("aws_s3_bucket_ownership_controls")
	some rule in r.after.rule
	is_string(rule.object_ownership)
	rule.object_ownership != "BucketOwnerEnforced"
}

# ---------------------------------------------------------------- TFO-S3-015 destroyed buckets

deny contains destroyed_finding(r) if {
	some r in lib.destroyed("aws_s3_bucket")
	lib.destroy_blocks(r)
}

warn contains destroyed_finding(r) if {
	some r in lib.destroyed("aws_s3_bucket")
	not lib.destroy_blocks(r)
}

destroyed_finding(r) := lib.finding("TFO-S3-015", r.address, sprintf("bucket is %s: the bucket and its objects are destroyed", [verb])) if {
	verb := {"delete": "deleted", "replace": "replaced"}[r.change]
}

# ---------------------------------------------------------------- TFO-S3-016 force_destroy

warn contains lib.finding("TFO-S3-016", r.address, "force_destroy is true: destroying the bucket also deletes every object") if {
	lib.on(metadata, "TFO-S3-016", false)
	some r in lib.configured("aws_s3_bucket")
	r.after.force_destroy == true
}

warn contains lib.unknown_finding("TFO-S3-005", r.address, "policy Condition") if {
	lib.on(metadata, "TFO-S3-005", false)
	some [r, _, s] in statements
	lib.allows_anyone(s)
	lib.narrowing_unknown(s)
}

warn contains lib.unknown_finding("TFO-S3-007", r.address, "policy Condition") if {
	lib.on(metadata, "TFO-S3-007", false)
	some [r, _, s] in statements
	lib.allows_anyone(s)
	lib.narrowing_unknown(s)
	some a in lib.actions(s)
	write_action(a)
}

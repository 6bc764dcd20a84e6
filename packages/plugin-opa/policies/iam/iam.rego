# IAM: policy documents (managed and inline), attachments, users and their credentials, role
# trust policies (including GitHub Actions OIDC), the account password policy and destructive
# changes to roles.
package tfo.rules.iam

import data.tfo.lib

metadata := {
	"TFO-IAM-001": {
		"title": "IAM policy allows all actions",
		"severity": "critical",
		"cis": "1.16",
		"profile": "baseline",
		"remediation": "Replace Action \"*\" (or \"*:*\") with the actions the principal needs.",
	},
	"TFO-IAM-002": {
		"title": "IAM policy allows every action of a service on all resources",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Replace \"<service>:*\" on Resource \"*\" with the actions needed, on the resources needed.",
	},
	"TFO-IAM-003": {
		"title": "IAM policy allows write actions on all resources",
		"severity": "medium",
		"cis": null,
		"profile": "strict",
		"remediation": "Scope write actions (anything but Get*, List*, Describe* and similar) to resource ARNs instead of \"*\".",
	},
	"TFO-IAM-004": {
		"title": "IAM policy allows with NotAction",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "List the allowed actions with Action; NotAction with Allow grants every other action, including ones added to AWS later.",
	},
	"TFO-IAM-005": {
		"title": "AdministratorAccess attached",
		"severity": "high",
		"cis": "1.16",
		"profile": "baseline",
		"remediation": "Attach a policy granting only the permissions needed instead of arn:aws:iam::aws:policy/AdministratorAccess.",
	},
	"TFO-IAM-006": {
		"title": "IAM policy attached directly to a user",
		"severity": "medium",
		"cis": "1.15",
		"profile": "baseline",
		"remediation": "Attach policies to groups (or roles) and make users members of the groups.",
	},
	"TFO-IAM-007": {
		"title": "IAM role trust policy allows any principal",
		"severity": "critical",
		"cis": null,
		"profile": "baseline",
		"remediation": "Name the trusted principals, or narrow Principal \"*\" with a condition such as aws:PrincipalOrgID or aws:PrincipalAccount.",
	},
	"TFO-IAM-008": {
		"title": "GitHub Actions OIDC trust without a subject condition",
		"severity": "critical",
		"cis": null,
		"profile": "baseline",
		"remediation": "Add StringEquals/StringLike on token.actions.githubusercontent.com:sub, e.g. \"repo:<org>/<repo>:ref:refs/heads/main\".",
	},
	"TFO-IAM-009": {
		"title": "GitHub Actions OIDC trust with a wildcard subject",
		"severity": "high",
		"cis": null,
		"profile": "baseline",
		"remediation": "Pin token.actions.githubusercontent.com:sub to your organisation and repository (\"repo:<org>/<repo>:...\"), not \"*\" or \"repo:*\".",
	},
	"TFO-IAM-010": {
		"title": "GitHub Actions OIDC trust without the sts.amazonaws.com audience",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Add StringEquals token.actions.githubusercontent.com:aud = \"sts.amazonaws.com\".",
	},
	"TFO-IAM-011": {
		"title": "IAM user with a console password",
		"severity": "medium",
		"cis": "1.21",
		"profile": "baseline",
		"remediation": "Give people access through IAM Identity Center or federation instead of aws_iam_user_login_profile.",
	},
	"TFO-IAM-012": {
		"title": "Access key created for a user who has a console password",
		"severity": "high",
		"cis": "1.11",
		"profile": "baseline",
		"remediation": "Do not create access keys for console users; use roles or Identity Center for programmatic access.",
	},
	"TFO-IAM-013": {
		"title": "IAM access key managed by Terraform",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Prefer roles (instance profiles, OIDC, IAM Roles Anywhere); a key created by Terraform has its secret in the state.",
	},
	"TFO-IAM-014": {
		"title": "Password policy minimum length below 14",
		"severity": "medium",
		"cis": "1.8",
		"profile": "baseline",
		"remediation": "Set minimum_password_length = 14 or more in aws_iam_account_password_policy.",
	},
	"TFO-IAM-015": {
		"title": "Password policy remembers fewer than 24 passwords",
		"severity": "medium",
		"cis": "1.9",
		"profile": "baseline",
		"remediation": "Set password_reuse_prevention = 24 in aws_iam_account_password_policy.",
	},
	"TFO-IAM-016": {
		"title": "IAM role maximum session duration above the limit",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Lower max_session_duration (the limit is data.tfo_options.iam_max_session_seconds, default 14400 seconds).",
	},
	"TFO-IAM-017": {
		"title": "IAM role without a permissions boundary",
		"severity": "low",
		"cis": null,
		"profile": "strict",
		"remediation": "Set permissions_boundary to the organisation's boundary policy.",
	},
	"TFO-IAM-018": {
		"title": "IAM role deleted or replaced",
		"severity": "medium",
		"cis": null,
		"profile": "baseline",
		"remediation": "Check that nothing (instance profiles, trust from other accounts, pipelines) still assumes the role; a replaced role gets a new unique id and breaks trust policies that named it.",
	},
	"TFO-IAM-019": {
		"title": "AWSCloudShellFullAccess attached",
		"severity": "medium",
		"cis": "1.22",
		"profile": "baseline",
		"remediation": "Do not attach arn:aws:iam::aws:policy/AWSCloudShellFullAccess; it allows file upload and download through CloudShell.",
	},
}

# ---------------------------------------------------------------- helpers

policy_types := ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"]

policy_resources contains r if {
	some type in policy_types
	some r in lib.configured(type)
}

# [resource, index, statement] for every Allow statement of every known policy document.
allows contains [r, i, s] if {
	some r in policy_resources
	some i, s in r.docs.policy.Statement
	s.Effect == "Allow"
}

# Policies unknown until apply and not built from an aws_iam_policy_document data source (those are
# in r.docs.policy, values unknown until apply shown as lib.unknown_marker).
unknown_policies contains r if {
	some r in policy_resources
	lib.doc_unknown(r, "policy")
}

# Allow statements whose actions are unknown until apply: the rules on actions cannot decide them.
unknown_actions contains r if {
	some [r, _, s] in allows
	some a in lib.actions(s)
	lib.unknown_in_doc(a)
}

all_actions(a) if a in {"*", "*:*"}

service_wildcard(a) if {
	parts := split(a, ":")
	count(parts) == 2
	parts[0] != "*"
	parts[1] == "*"
}

read_verbs := ["get", "list", "describe", "batchget", "head", "search", "query", "scan", "lookup", "view", "select"]

read_action(a) if {
	parts := split(lower(a), ":")
	count(parts) == 2
	some verb in read_verbs
	startswith(parts[1], verb)
}

write_action(a) if {
	not lib.unknown_in_doc(a)
	not all_actions(a)
	not service_wildcard(a)
	not read_action(a)
}

all_resources(s) if "*" in object.get(s, "Resource", [])

# An AWS managed policy ARN by name, in any partition.
aws_managed(arn, name) if {
	parts := split(arn, ":")
	count(parts) == 6
	parts[0] == "arn"
	parts[4] == "aws"
	parts[5] == sprintf("policy/%s", [name])
}

# [resource, policy ARN] for every attachment and every managed_policy_arns entry of a role.
attachment_types := [
	"aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment",
	"aws_iam_group_policy_attachment", "aws_iam_policy_attachment",
]

attached contains [r, r.after.policy_arn] if {
	some type in attachment_types
	some r in lib.configured(type)
	is_string(r.after.policy_arn)
}

attached contains [r, arn] if {
	some r in lib.configured("aws_iam_role")
	some arn in r.after.managed_policy_arns
}

# Attachments whose policy ARN is unknown until apply. One set from a resource of this plan (the
# normaliser's `set`: e.g. an aws_iam_policy's arn) names a customer managed policy, never an AWS
# managed one such as AdministratorAccess; its document is checked on that resource.
unknown_attachments contains r if {
	some type in attachment_types
	some r in lib.configured(type)
	lib.presence_unknown(r, "policy_arn")
}

# The values of a condition key (case-insensitive) under the positive string operators.
string_condition(s, key) := [v |
	some op, kv in s.Condition
	l := lower(op)
	not contains(l, "not")
	positive_string_op(l)
	some k, vals in kv
	lower(k) == key
	some v in lib.as_list(vals)
]

positive_string_op(op) if contains(op, "stringequals")

positive_string_op(op) if contains(op, "stringlike")

github_oidc := "token.actions.githubusercontent.com"

# Allow statements of role trust policies.
# An array, not a set: a set hashes each role whole.
trust_allows := [[r, s] |
	some r in lib.configured("aws_iam_role")
	some s in r.docs.assume_role_policy.Statement
	s.Effect == "Allow"
]

federated(s) := object.get(object.get(s, "Principal", {}), "Federated", [])

# [role, statement] for every Allow statement trusting GitHub's OIDC provider.
github_trusts contains [r, s] if {
	some [r, s] in trust_allows
	some p in federated(s)
	endswith(p, github_oidc)
}

# A federated principal unknown until apply (a provider created in this plan) with conditions on
# GitHub's token claims is GitHub's.
github_trusts contains [r, s] if {
	some [r, s] in trust_allows
	lib.unknown_in_doc(federated(s))
	github_claims(s)
}

github_claims(s) if {
	some key in condition_keys(s)
	startswith(key, sprintf("%s:", [github_oidc]))
}

condition_keys(s) := {lower(k) | some _, kv in s.Condition; some k, _ in kv}

# A federated principal unknown until apply, with no condition on a subject claim: if it is
# GitHub's provider, IAM-008 applies; it cannot be decided yet.
unknown_federated_without_subject contains r if {
	some [r, s] in trust_allows
	lib.unknown_in_doc(federated(s))
	not github_claims(s)
	not subject_condition(s)
}

subject_condition(s) if {
	some key in condition_keys(s)
	endswith(key, ":sub")
}

# A condition key unknown until apply may be the subject claim.
subject_condition(s) if lib.unknown_marker in condition_keys(s)

broad_subject(v) if v == "*"

broad_subject(v) if startswith(v, "repo:*")

max_session_seconds := object.get(data.tfo_options, "iam_max_session_seconds", 14400) if data.tfo_options

else := 14400

# ---------------------------------------------------------------- TFO-IAM-001 Action "*"

deny contains lib.finding("TFO-IAM-001", r.address, sprintf("policy %s allows Action %s", [lib.statement_label(s, i), a])) if {
	lib.on(metadata, "TFO-IAM-001", false)
	some [r, i, s] in allows
	some a in lib.actions(s)
	all_actions(a)
}

warn contains lib.unknown_finding("TFO-IAM-001", r.address, "policy") if {
	lib.on(metadata, "TFO-IAM-001", false)
	some r in unknown_policies
}

warn contains lib.unknown_finding("TFO-IAM-001", r.address, "policy Action") if {
	lib.on(metadata, "TFO-IAM-001", false)
	some r in unknown_actions
}

# ---------------------------------------------------------------- TFO-IAM-002 service:* on *

deny contains lib.finding("TFO-IAM-002", r.address, sprintf("policy %s allows %s on Resource \"*\"", [lib.statement_label(s, i), a])) if {
	lib.on(metadata, "TFO-IAM-002", false)
	some [r, i, s] in allows
	all_resources(s)
	some a in lib.actions(s)
	service_wildcard(a)
}

warn contains lib.unknown_finding("TFO-IAM-002", r.address, "policy") if {
	lib.on(metadata, "TFO-IAM-002", false)
	some r in unknown_policies
}

warn contains lib.unknown_finding("TFO-IAM-002", r.address, "policy Action") if {
	lib.on(metadata, "TFO-IAM-002", false)
	some r in unknown_actions
}

# ---------------------------------------------------------------- TFO-IAM-003 writes on *

deny contains lib.finding("TFO-IAM-003", r.address, sprintf("policy %s allows write action %s on Resource \"*\"", [lib.statement_label(s, i), a])) if {
	lib.on(metadata, "TFO-IAM-003", false)
	some [r, i, s] in allows
	all_resources(s)
	some a in lib.actions(s)
	write_action(a)
}

warn contains lib.unknown_finding("TFO-IAM-003", r.address, "policy") if {
	lib.on(metadata, "TFO-IAM-003", false)
	some r in unknown_policies
}

warn contains lib.unknown_finding("TFO-IAM-003", r.address, "policy Action") if {
	lib.on(metadata, "TFO-IAM-003", false)
	some r in unknown_actions
}

# ---------------------------------------------------------------- TFO-IAM-004 NotAction

deny contains lib.finding("TFO-IAM-004", r.address, sprintf("policy %s allows with NotAction", [lib.statement_label(s, i)])) if {
	lib.on(metadata, "TFO-IAM-004", false)
	some [r, i, s] in allows
	s.NotAction
}

warn contains lib.unknown_finding("TFO-IAM-004", r.address, "policy") if {
	lib.on(metadata, "TFO-IAM-004", false)
	some r in unknown_policies
}

# ---------------------------------------------------------------- TFO-IAM-005 AdministratorAccess

deny contains lib.finding("TFO-IAM-005", r.address, "attaches AdministratorAccess") if {
	lib.on(metadata, "TFO-IAM-005", false)
	some [r, arn] in attached
	aws_managed(arn, "AdministratorAccess")
}

warn contains lib.unknown_finding("TFO-IAM-005", r.address, "policy_arn") if {
	lib.on(metadata, "TFO-IAM-005", false)
	some r in unknown_attachments
}

# ---------------------------------------------------------------- TFO-IAM-019 AWSCloudShellFullAccess

deny contains lib.finding("TFO-IAM-019", r.address, "attaches AWSCloudShellFullAccess") if {
	lib.on(metadata, "TFO-IAM-019", false)
	some [r, arn] in attached
	aws_managed(arn, "AWSCloudShellFullAccess")
}

warn contains lib.unknown_finding("TFO-IAM-019", r.address, "policy_arn") if {
	lib.on(metadata, "TFO-IAM-019", false)
	some r in unknown_attachments
}

# ---------------------------------------------------------------- TFO-IAM-006 policies on users

deny contains lib.finding("TFO-IAM-006", r.address, sprintf("%s gives a user permissions directly", [r.type])) if {
	lib.on(metadata, "TFO-IAM-006", false)
	some type in ["aws_iam_user_policy", "aws_iam_user_policy_attachment"]
	some r in lib.configured(type)
}

deny contains lib.finding("TFO-IAM-006", r.address, sprintf("attaches a policy to users %s", [concat(", ", r.after.users)])) if {
	lib.on(metadata, "TFO-IAM-006", false)
	some r in lib.configured("aws_iam_policy_attachment")
	count(object.get(r.after, "users", [])) > 0
}

warn contains lib.unknown_finding("TFO-IAM-006", r.address, "users") if {
	lib.on(metadata, "TFO-IAM-006", false)
	some r in lib.configured("aws_iam_policy_attachment")
	lib.is_unknown(r, "users")
}

# ---------------------------------------------------------------- TFO-IAM-007 open trust policy

deny contains lib.finding("TFO-IAM-007", r.address, sprintf("assume_role_policy %s trusts any principal without a narrowing condition", [lib.statement_label(s, i)])) if {
	lib.on(metadata, "TFO-IAM-007", false)
	some r in lib.configured("aws_iam_role")
	some i, s in r.docs.assume_role_policy.Statement
	lib.allows_anyone(s)
	lib.unnarrowed(s)
}

warn contains lib.unknown_finding("TFO-IAM-007", r.address, "assume_role_policy") if {
	lib.on(metadata, "TFO-IAM-007", false)
	some r in lib.configured("aws_iam_role")
	lib.doc_unknown(r, "assume_role_policy")
}

# ---------------------------------------------------------------- TFO-IAM-008..010 GitHub OIDC

deny contains lib.finding("TFO-IAM-008", r.address, sprintf("trusts %s without a condition on %s:sub", [github_oidc, github_oidc])) if {
	lib.on(metadata, "TFO-IAM-008", false)
	some [r, s] in github_trusts
	count(string_condition(s, "token.actions.githubusercontent.com:sub")) == 0
}

warn contains lib.unknown_finding("TFO-IAM-008", r.address, "assume_role_policy Principal Federated") if {
	lib.on(metadata, "TFO-IAM-008", false)
	some r in unknown_federated_without_subject
}

deny contains lib.finding("TFO-IAM-009", r.address, sprintf("%s:sub allows %s", [github_oidc, v])) if {
	lib.on(metadata, "TFO-IAM-009", false)
	some [r, s] in github_trusts
	some v in string_condition(s, "token.actions.githubusercontent.com:sub")
	broad_subject(v)
}

deny contains lib.finding("TFO-IAM-010", r.address, sprintf("trusts %s without %s:aud = sts.amazonaws.com", [github_oidc, github_oidc])) if {
	lib.on(metadata, "TFO-IAM-010", false)
	some [r, s] in github_trusts
	not "sts.amazonaws.com" in string_condition(s, "token.actions.githubusercontent.com:aud")
}

# ---------------------------------------------------------------- TFO-IAM-011..013 user credentials

deny contains lib.finding("TFO-IAM-011", r.address, "creates a console password (aws_iam_user_login_profile)") if {
	lib.on(metadata, "TFO-IAM-011", false)
	some r in lib.configured("aws_iam_user_login_profile")
}

console_users contains r.after.user if {
	some r in lib.configured("aws_iam_user_login_profile")
}

deny contains lib.finding("TFO-IAM-012", r.address, sprintf("access key for user %s, who has a console password in this plan", [r.after.user])) if {
	lib.on(metadata, "TFO-IAM-012", false)
	some r in lib.configured("aws_iam_access_key")
	r.after.user in console_users
}

warn contains lib.finding("TFO-IAM-013", r.address, "creates an access key; its secret is stored in the Terraform state") if {
	lib.on(metadata, "TFO-IAM-013", false)
	some r in lib.configured("aws_iam_access_key")
	r.change != "update"
}

# ---------------------------------------------------------------- TFO-IAM-014, 015 password policy

password_minimums := {"TFO-IAM-014": ["minimum_password_length", 14], "TFO-IAM-015": ["password_reuse_prevention", 24]}

deny contains lib.finding(id, r.address, sprintf("%s is %s (minimum %d)", [attr, describe(value), minimum])) if {
	some r in lib.configured("aws_iam_account_password_policy")
	some id, [attr, minimum] in password_minimums
	not lib.set_unknown(r, attr)
	value := lib.get(r, attr, null)
	not at_least(value, minimum)
}

at_least(value, minimum) if {
	is_number(value)
	value >= minimum
}

describe(value) := "unset" if value == null

else := sprintf("%v", [value])

warn contains lib.unknown_finding(id, r.address, attr) if {
	some r in lib.configured("aws_iam_account_password_policy")
	some id, [attr, _] in password_minimums
	lib.set_unknown(r, attr)
}

# ---------------------------------------------------------------- TFO-IAM-016 session duration

warn contains lib.finding("TFO-IAM-016", r.address, sprintf("max_session_duration is %d seconds (limit %d)", [seconds, max_session_seconds])) if {
	lib.on(metadata, "TFO-IAM-016", false)
	some r in lib.configured("aws_iam_role")
	seconds := r.after.max_session_duration
	is_number(seconds)
	seconds > max_session_seconds
}

# ---------------------------------------------------------------- TFO-IAM-017 permissions boundary

warn contains lib.finding("TFO-IAM-017", r.address, "permissions_boundary is not set") if {
	lib.on(metadata, "TFO-IAM-017", false)
	some r in lib.configured("aws_iam_role")
	not lib.is_unknown(r, "permissions_boundary")
	lib.get(r, "permissions_boundary", "") == ""
}

# ---------------------------------------------------------------- TFO-IAM-018 destroyed roles

deny contains destroyed_finding(r) if {
	some r in lib.destroyed("aws_iam_role")
	lib.destroy_blocks(r)
}

warn contains destroyed_finding(r) if {
	some r in lib.destroyed("aws_iam_role")
	not lib.destroy_blocks(r)
}

destroyed_finding(r) := lib.finding("TFO-IAM-018", r.address, sprintf("role is %s", [verb])) if {
	verb := {"delete": "deleted", "replace": "replaced"}[r.change]
}

warn contains lib.unknown_finding("TFO-IAM-007", r.address, "assume_role_policy Condition") if {
	lib.on(metadata, "TFO-IAM-007", false)
	some r in lib.configured("aws_iam_role")
	some s in r.docs.assume_role_policy.Statement
	lib.allows_anyone(s)
	lib.narrowing_unknown(s)
}

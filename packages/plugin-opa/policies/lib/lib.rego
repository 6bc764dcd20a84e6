# Helpers shared by the rules. The input is the normalised document described in README.md.
package tfo.lib

# A finding: the rule id (with metadata in its package), the resource address, a message.
finding(id, resource, message) := {"id": id, "resource": resource, "message": message}

# A finding about a value that is unknown until apply: reported, never passed, never denied.
unknown_finding(id, resource, attribute) := {
	"id": id,
	"resource": resource,
	"message": sprintf("%s is unknown until apply: this rule cannot decide it yet", [attribute]),
	"unknown": true,
}

# Every resource of a type, through the normaliser's index (input.types) when the input has one.
of_type(type) := [input.resources[i] | some i in input.types[type]] if {
	is_object(input.types)
} else := [r | some r in input.resources; r.type == type]

# A finding of a rule's advisory branch: reported only in the strict profile, whatever the rule's
# profile (e.g. a customer-managed key that tfo_options.kms_required does not ask for).
advisory(f) := object.union(f, {"profile": "strict"})

# Resources of a type that this plan creates, updates or replaces.
configured(type) := [r | some r in of_type(type); r.configures]

# Resources of a type that this plan deletes or replaces.
destroyed(type) := [r | some r in of_type(type); r.change in {"delete", "replace"}]

# ---------------------------------------------------------------- destructive changes, graded

# Types whose destruction loses data or keys that cannot be got back: destroying one blocks.
# Everything else that a destroy rule covers (log groups, aliases, parameters, roles, ...) warns.
# Options: tfo_options.destroy.block adds types to this set, tfo_options.destroy.warn removes them.
destroy_blocking_types := {
	"aws_s3_bucket", "aws_dynamodb_table", "aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster",
	"aws_neptune_cluster", "aws_redshift_cluster", "aws_elasticache_replication_group",
	"aws_elasticache_cluster", "aws_efs_file_system", "aws_ebs_volume", "aws_kms_key",
	"aws_secretsmanager_secret", "aws_kinesis_stream", "aws_opensearch_domain",
	"aws_elasticsearch_domain", "aws_cognito_user_pool", "aws_backup_vault", "aws_glacier_vault",
	"aws_timestreamwrite_table", "aws_qldb_ledger",
}

# Whether destroying this resource blocks (its type loses data or keys), after the options.
destroy_blocks(r) if {
	r.type in (destroy_blocking_types | set_option_at(["destroy", "block"]))
	not r.type in set_option_at(["destroy", "warn"])
}

# A nested list option as a set ({} when absent or not an array).
set_option_at(path) := {x | some x in object.get(data.tfo_options, path, [])} if {
	is_array(object.get(data.tfo_options, path, null))
} else := set()

# Whether an attribute path (dotted) of a resource is unknown until apply.
is_unknown(r, path) if path in r.unknown

# The value at a dotted path of `after`, or `default` when absent or null. A path without a dot is
# looked up as one key (most calls: no split, no path walk).
get(r, path, default_value) := value if {
	not contains(path, ".")
	value := object.get(r.after, path, default_value)
	value != null
} else := value if {
	contains(path, ".")
	value := object.get(r.after, split(path, "."), default_value)
	value != null
} else := default_value

# A statement's principals as a flat list of strings ("*" stays "*").
principals(statement) := ["*"] if {
	statement.Principal == "*"
} else := [p | some values in statement.Principal; some p in values]

# Whether a statement allows anyone (Principal "*" or {"AWS": "*"}).
allows_anyone(statement) if {
	statement.Effect == "Allow"
	"*" in principals(statement)
}

# Condition keys that narrow who can use a statement open to Principal "*": the caller's account,
# organisation, network path, the calling AWS resource, or the AWS service a request comes through.
# Shared by every principal-"*" rule (S3, SQS, SNS, KMS, Lambda, ...). Lower case.
narrowing_keys := {
	"aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths",
	"aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
	"aws:principalservicename", "aws:principalisawsservice", "aws:userid",
	"aws:sourcevpc", "aws:sourcevpce", "aws:sourceip", "aws:vpcsourceip",
	"aws:calledvia", "aws:calledviafirst", "aws:calledvialast",
	"kms:calleraccount", "kms:viaservice",
	"s3:dataaccesspointaccount", "s3:dataaccesspointarn",
	"lambda:functionarn", "sns:endpoint",
}

# Whether a statement has a condition that narrows who can use it: a narrowing key whose values are
# not all wildcards (`"aws:PrincipalArn": "*"` narrows nothing).
narrowed(statement) if {
	some _, cond in statement.Condition
	some key, values in cond
	lower(key) in narrowing_keys
	some v in as_list(values)
	not wildcard_only(v)
}

# Whether a statement is known to have no narrowing condition: its conditions are known and none
# narrows. A document built from a data source may have its whole Condition unknown until apply:
# then whether it narrows cannot be told (narrowing_unknown), never a deny.
unnarrowed(statement) if {
	not narrowed(statement)
	not narrowing_unknown(statement)
}

narrowing_unknown(statement) if unknown_in_doc(object.get(statement, "Condition", null))

wildcard_only(v) if {
	is_string(v)
	trim(v, "*?") == ""
}

# A statement's Action list ([] when it has none, e.g. with NotAction).
actions(statement) := object.get(statement, "Action", [])

# A value as a list: an array as it is, anything else as a one-element list.
as_list(x) := x if is_array(x)

else := [x]

# A statement's label in messages: `statement <Sid>`, or `statement #<n>` (1-based) without a Sid.
statement_label(s, i) := sprintf("statement %s", [s.Sid]) if {
	is_string(s.Sid)
	s.Sid != ""
} else := sprintf("statement #%d", [i + 1])

# A statement's label in SNS and SQS messages: `statement "<Sid>"`, or `statement <i>` (0-based) without a Sid.
statement_label_quoted(s, i) := concat("", ["statement \"", s.Sid, "\""]) if {
	is_string(s.Sid)
	s.Sid != ""
} else := sprintf("statement %d", [i])

# Whether a dotted attribute path is unknown until apply: listed itself, or its top-level attribute
# is listed and absent from `after` (a wholly computed block).
unknown_value(r, path) if path in r.unknown

unknown_value(r, path) if {
	top := split(path, ".")[0]
	top in r.unknown
	not has_key(r.after, top)
}

# Whether an object has a key, whatever its value (null and false included).
has_key(o, k) if _ = o[k]

# How a message names what the plan does to a destroyed resource, by its change.
destroyed_word := {"delete": "deleted", "replace": "replaced (destroyed and re-created)"}

# ---------------------------------------------------------------- configuration lookups

# The resource's blocks in input.plan.configuration (in its module, by type, name and mode).
config_resources(r) := [c |
	mod := config_module(module_prefix(r))
	some c in mod.resources
	c.address == sprintf("%s.%s", [r.type, r.name])
	c.mode == r.mode
]

# The resource's module path: "module.a.module.b" for module.a.module.b.aws_x.y, "" at the root.
module_prefix(r) := "" if {
	r.config_address == sprintf("%s.%s", [r.type, r.name])
} else := trim_suffix(r.config_address, sprintf(".%s.%s", [r.type, r.name]))

# The configuration of a module by its path (module_calls.<name>.module from root_module), or {}.
config_module("") := object.get(input.plan, ["configuration", "root_module"], {})

config_module(prefix) := object.get(input.plan, path, {}) if {
	prefix != ""
	parts := split(prefix, ".")
	names := [parts[i] | some i, _ in parts; i % 2 == 1]
	path := array.concat(["configuration", "root_module"], [seg | some n in names; some seg in ["module_calls", n, "module"]])
}

# The resource's block in input.plan.configuration (undefined when the plan has none).
config_of(r) := c if some c in config_resources(r)

# Whether an attribute or block is written in the resource's configuration: from the normaliser's
# `written` list, or (inputs without it) looked up in input.plan.configuration.
configured_attr(r, attr) if attr in r.written

configured_attr(r, attr) if {
	not is_array(object.get(r, "written", null))
	some c in config_resources(r)
	c.expressions[attr]
}

# ---------------------------------------------------------------- presence

# The marker for a value unknown until apply inside a document built from a data source.
unknown_marker := "(known after apply)"

# Whether an attribute has a value: known and not null or "", or unknown until apply but set from
# a reference to a resource of this plan (the normaliser lists those paths in `set`).
present(r, path) if {
	v := get(r, path, "")
	v != ""
	not empty_collection(v)
}

present(r, path) if path in object.get(r, "set", [])

# An empty block list or map: a block written with nothing in it sets nothing.
empty_collection(v) if {
	is_array(v)
	count(v) == 0
}

empty_collection(v) if {
	is_object(v)
	count(v) == 0
}

# Whether a presence check cannot decide yet: unknown until apply and not known to be set.
presence_unknown(r, path) if {
	unknown_value(r, path)
	not path in object.get(r, "set", [])
}

# Whether the resource's document for an attribute was built from an aws_iam_policy_document data
# source because the attribute itself is unknown until apply (values unknown are unknown_marker).
doc_from_source(r, attr) if object.get(r, ["docs_from", attr], null) != null

# Whether a document's value (a principal, a resource, a condition value) is unknown until apply.
unknown_in_doc(v) if v == unknown_marker

unknown_in_doc(v) if {
	is_array(v)
	unknown_marker in v
}

# Whether an attribute is written in the configuration and unknown until apply (an unset
# Optional+Computed attribute is also "unknown" in a plan, but it stays unset).
set_unknown(r, attr) if {
	is_unknown(r, attr)
	configured_attr(r, attr)
}

# ---------------------------------------------------------------- options (data.tfo_options)

# Whether option kms_required lists the service (it must use customer managed KMS keys).
kms_required(service) if service in data.tfo_options.kms_required

# A number option, or default_value when it is absent or not a number.
number_option(key, default_value) := n if {
	n := data.tfo_options[key]
	is_number(n)
} else := default_value

# A list option as a set, or default_value when it is absent or not an array.
set_option(key, default_value) := {x | some x in data.tfo_options[key]} if {
	is_array(data.tfo_options[key])
} else := default_value

# Whether a document attribute cannot be evaluated: unknown until apply and not built from an
# aws_iam_policy_document data source (then `docs[attr]` holds the document, markers and all).
doc_unknown(r, attr) if {
	unknown_value(r, attr)
	not doc_from_source(r, attr)
}

# Whether a statement's Principal is unknown until apply, wholly or in any of its values.
unknown_principal(statement) if unknown_in_doc(statement.Principal)

unknown_principal(statement) if {
	is_object(statement.Principal)
	some values in statement.Principal
	unknown_in_doc(values)
}

# ---------------------------------------------------------------- profile selection

# Whether a rule runs in this evaluation (the first expression of every rule body, so the rules a
# profile leaves out cost nothing): every rule when data.tfo_select is absent (policy unit tests,
# `opa eval`); else a rule runs when its profile, or its override in data.tfo_select.rules, is
# selected by data.tfo_select.profile (`baseline` selects baseline rules, `strict` every rule not
# turned `off`). `advisory`: the body emits lib.advisory findings (strict whatever the rule's
# profile). The plugin still selects findings by profile afterwards (toFindings): this only saves
# the work.
on(_, _, _) if not data.tfo_select

on(meta, id, advisory) if {
	p := object.get(data.tfo_select, ["rules", id], rule_profile(meta, id, advisory))
	profile_selected(object.get(data.tfo_select, "profile", "baseline"), p)
}

rule_profile(_, _, true) := "strict"

rule_profile(meta, id, false) := object.get(meta, [id, "profile"], "baseline")

profile_selected("strict", p) if p in {"baseline", "strict"}

profile_selected("baseline", "baseline")

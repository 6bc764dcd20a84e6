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

# Resources of a type that this plan creates, updates or replaces.
configured(type) := [r | some r in input.resources; r.type == type; r.configures]

# Resources of a type that this plan deletes or replaces.
destroyed(type) := [r | some r in input.resources; r.type == type; r.change in {"delete", "replace"}]

# Whether an attribute path (dotted) of a resource is unknown until apply.
is_unknown(r, path) if path in r.unknown

# The value at a dotted path of `after`, or `default` when absent or null.
get(r, path, default_value) := value if {
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

# Whether a statement has a condition that narrows who can use it (source account, org, VPC, ...).
narrowed(statement) if {
	some _, cond in statement.Condition
	some key, _ in cond
	lower(key) in {
		"aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:principalorgid",
		"aws:principalaccount", "aws:sourcevpc", "aws:sourcevpce", "aws:principalarn",
	}
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

# Whether an attribute or block is written in the resource's configuration.
configured_attr(r, attr) if {
	some c in config_resources(r)
	c.expressions[attr]
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

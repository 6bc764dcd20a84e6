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

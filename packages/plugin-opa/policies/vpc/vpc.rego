# VPC: security groups, network ACLs, flow logs, subnets, default VPC.
package tfo.rules.vpc

import data.tfo.lib

metadata := {
	"TFO-VPC-001": {
		"title": "Security group allows SSH or RDP from 0.0.0.0/0",
		"severity": "high",
		"cis": "5.2",
		"remediation": "Restrict ports 22 and 3389 to known CIDRs (VPN, bastion) or use Session Manager instead of inbound administration ports.",
		"profile": "baseline",
	},
	"TFO-VPC-002": {
		"title": "Security group allows SSH or RDP from ::/0",
		"severity": "high",
		"cis": "5.3",
		"remediation": "Restrict ports 22 and 3389 to known IPv6 prefixes or use Session Manager instead of inbound administration ports.",
		"profile": "baseline",
	},
	"TFO-VPC-003": {
		"title": "Security group allows all ports from the internet",
		"severity": "critical",
		"cis": null,
		"remediation": "Open only the ports the service needs, to the sources that need them (protocol \"-1\" or 0-65535 from 0.0.0.0/0 or ::/0 exposes everything).",
		"profile": "baseline",
	},
	"TFO-VPC-004": {
		"title": "Security group exposes a database port to the internet",
		"severity": "high",
		"cis": null,
		"remediation": "Allow database ports (3306, 5432, 1433, 1521, 6379, 27017) only from application security groups or private CIDRs.",
		"profile": "baseline",
	},
	"TFO-VPC-005": {
		"title": "Default security group has rules",
		"severity": "medium",
		"cis": "5.4",
		"remediation": "Declare aws_default_security_group with no ingress and no egress blocks, and use dedicated security groups.",
		"profile": "baseline",
	},
	"TFO-VPC-006": {
		"title": "VPC has no flow log",
		"severity": "medium",
		"cis": "3.7",
		"remediation": "Add an aws_flow_log with vpc_id = aws_vpc.<name>.id (traffic_type ALL or at least REJECT).",
		"profile": "baseline",
	},
	"TFO-VPC-007": {
		"title": "Network ACL allows SSH or RDP from the internet",
		"severity": "high",
		"cis": "5.1",
		"remediation": "Remove network ACL allow entries for ports 22/3389 from 0.0.0.0/0 or ::/0 (or add lower-numbered deny entries).",
		"profile": "baseline",
	},
	"TFO-VPC-008": {
		"title": "Security group allows all egress to the internet",
		"severity": "low",
		"cis": null,
		"remediation": "Limit egress to the ports and destinations the workload needs (e.g. 443 to 0.0.0.0/0, database ports to the VPC).",
		"profile": "strict",
	},
	"TFO-VPC-009": {
		"title": "Security group rule has no description",
		"severity": "low",
		"cis": null,
		"remediation": "Set description on every ingress/egress rule to say who needs it and why.",
		"profile": "strict",
	},
	"TFO-VPC-010": {
		"title": "Subnet assigns public IPs on launch",
		"severity": "medium",
		"cis": null,
		"remediation": "Set map_public_ip_on_launch = false; give public addresses explicitly (load balancers, NAT, Elastic IPs) where needed.",
		"profile": "strict",
	},
	"TFO-VPC-011": {
		"title": "Default VPC is managed",
		"severity": "low",
		"cis": null,
		"remediation": "Create dedicated VPCs instead of using the default VPC (and remove the default VPC where possible).",
		"profile": "strict",
	},
	"TFO-VPC-012": {
		"title": "New VPC's default security group is not restricted",
		"severity": "medium",
		"cis": "5.4",
		"remediation": "Manage the VPC's default security group with no rules: aws_default_security_group { vpc_id = aws_vpc.<name>.id } without ingress/egress blocks (manage_default_security_group = true, the default, in terraform-aws-modules/vpc).",
		"profile": "baseline",
	},
}

world := {"0.0.0.0/0", "::/0"}

admin_ports := [22, 3389]

database_ports := [3306, 5432, 1433, 1521, 6379, 27017]

all_protocols := {"-1", "all"}

port_protocols := {"tcp", "6", "udp", "17"}

# --- rules in one shape ----------------------------------------------------------------------
# [resource, label, {cidrs, from, to, protocol, description}] for every ingress (egress) rule of
# security groups (inline blocks), aws_security_group_rule and aws_vpc_security_group_*_rule.

sg_inline_types := {"aws_security_group", "aws_default_security_group"}

# Both directions, computed once per evaluation (a function call with arguments is not memoised).
directed_rules := {"ingress": sg_rules("ingress"), "egress": sg_rules("egress")}

sg_rules(direction) := array.concat(
	array.concat(
		[[r, sprintf("%s.%d", [direction, i]), {
			"cidrs": array.concat(object.get(b, "cidr_blocks", []), object.get(b, "ipv6_cidr_blocks", [])),
			"from": b.from_port, "to": b.to_port, "protocol": lower(b.protocol),
			"description": object.get(b, "description", ""),
		}] |
			some type in sg_inline_types
			some r in lib.configured(type)
			some i, b in lib.get(r, direction, [])
		],
		[[r, r.address, {
			"cidrs": array.concat(lib.get(r, "cidr_blocks", []), lib.get(r, "ipv6_cidr_blocks", [])),
			"from": lib.get(r, "from_port", 0), "to": lib.get(r, "to_port", 0),
			"protocol": lower(lib.get(r, "protocol", "")),
			"description": lib.get(r, "description", ""),
		}] |
			some r in lib.configured("aws_security_group_rule")
			lib.get(r, "type", "") == direction
		],
	),
	[[r, r.address, {
		"cidrs": [c | some a in ["cidr_ipv4", "cidr_ipv6"]; c := lib.get(r, a, null); c != null],
		"from": lib.get(r, "from_port", 0), "to": lib.get(r, "to_port", 0),
		"protocol": lower(lib.get(r, "ip_protocol", "")),
		"description": lib.get(r, "description", ""),
	}] |
		some r in lib.configured(sprintf("aws_vpc_security_group_%s_rule", [direction]))
	],
)

# The label to put in a message: the block index for inline rules, nothing for rule resources.
all_ports(rule) if rule.protocol in all_protocols

all_ports(rule) if {
	rule.protocol in port_protocols
	rule.from <= 0
	rule.to >= 65535
}

covers(rule, port) if rule.protocol in all_protocols

covers(rule, port) if {
	rule.protocol in port_protocols
	rule.from <= port
	port <= rule.to
}

# --- TFO-VPC-001 / 002: SSH and RDP from the internet -------------------------------------------

deny contains lib.finding("TFO-VPC-001", r.address, msg) if {
	lib.on(metadata, "TFO-VPC-001", false)
	some [r, label, rule] in directed_rules.ingress
	"0.0.0.0/0" in rule.cidrs
	some port in admin_ports
	covers(rule, port)
	msg := sprintf("%s allows port %d from 0.0.0.0/0", [described(r, label), port])
}

deny contains lib.finding("TFO-VPC-002", r.address, msg) if {
	lib.on(metadata, "TFO-VPC-002", false)
	some [r, label, rule] in directed_rules.ingress
	"::/0" in rule.cidrs
	some port in admin_ports
	covers(rule, port)
	msg := sprintf("%s allows port %d from ::/0", [described(r, label), port])
}

# Sources unknown until apply: the ingress checks (001-004) cannot decide.
warn contains lib.unknown_finding("TFO-VPC-001", r.address, attr) if {
	lib.on(metadata, "TFO-VPC-001", false)
	some type in sg_inline_types
	some r in lib.configured(type)
	attr := "ingress"
	lib.set_unknown(r, attr)
}

warn contains lib.unknown_finding("TFO-VPC-001", r.address, attr) if {
	lib.on(metadata, "TFO-VPC-001", false)
	some r in ingress_rule_resources
	some attr in ["cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"]
	lib.is_unknown(r, attr)
}

ingress_rule_resources contains r if {
	some r in lib.configured("aws_security_group_rule")
	lib.get(r, "type", "") == "ingress"
}

ingress_rule_resources contains r if {
	some r in lib.configured("aws_vpc_security_group_ingress_rule")
}

# --- TFO-VPC-003: all ports from the internet ------------------------------------------------------

deny contains lib.finding("TFO-VPC-003", r.address, msg) if {
	lib.on(metadata, "TFO-VPC-003", false)
	some [r, label, rule] in directed_rules.ingress
	some cidr in rule.cidrs
	cidr in world
	all_ports(rule)
	msg := sprintf("%s allows all ports from %s", [described(r, label), cidr])
}

# --- TFO-VPC-004: database ports from the internet ---------------------------------------------------

deny contains lib.finding("TFO-VPC-004", r.address, msg) if {
	lib.on(metadata, "TFO-VPC-004", false)
	some [r, label, rule] in directed_rules.ingress
	not all_ports(rule)
	some cidr in rule.cidrs
	cidr in world
	some port in database_ports
	covers(rule, port)
	msg := sprintf("%s allows database port %d from %s", [described(r, label), port, cidr])
}

# --- TFO-VPC-005: default security group -----------------------------------------------------------

deny contains lib.finding("TFO-VPC-005", r.address, msg) if {
	lib.on(metadata, "TFO-VPC-005", false)
	some r in lib.configured("aws_default_security_group")
	some direction in ["ingress", "egress"]
	n := count(lib.get(r, direction, []))
	n > 0
	msg := sprintf("the default security group has %d %s rule(s): it must allow no traffic", [n, direction])
}

# --- TFO-VPC-006: flow logs ---------------------------------------------------------------------------
# A VPC passes when an aws_flow_log in the plan (any change but delete, so unchanged ones count)
# points at it: through its configuration (vpc_id = aws_vpc.x.id in the same module, or a module
# variable fed with aws_vpc.x.id by the calling module), by a known vpc_id equal to the VPC's
# known id, or, when its vpc_id is unknown until apply and comes through a local (as in
# terraform-aws-modules/vpc: vpc_id = local.vpc_id), by being in the same module instance as the
# only VPC there. When a VPC has none but some flow log's vpc_id cannot be traced (a data source,
# a module output, ...), the rule reports "cannot decide" instead of denying.

flow_logs := [f |
	some f in lib.of_type("aws_flow_log")
	f.mode == "managed"
	f.change != "delete"
]

vpcs := lib.of_type("aws_vpc")

# Known VPC ids of the plan.
vpc_ids := {id | some v in vpcs; id := lib.get(v, "id", ""); id != ""}

# Module instance -> number of VPCs of the plan in it.
vpcs_in_module[m] := n if {
	some v in vpcs
	m := v.module
	n := count([w | some w in vpcs; w.module == m])
}

# Config addresses (module prefix + aws_vpc.name) a resource's vpc_id refers to.
vpc_id_targets(f) := {t |
	some c in lib.config_resources(f)
	some ref in object.get(c, ["expressions", "vpc_id", "references"], [])
	some t in vpc_target(lib.module_prefix(f), ref)
}

vpc_target(prefix, ref) := {in_module(prefix, sprintf("%s.%s", [parts[0], parts[1]]))} if {
	parts := split(ref, ".")
	parts[0] in vpc_types
	count(parts) >= 2
}

# One hop up: var.x of a module call resolved in the calling module's expression for x.
vpc_target(prefix, ref) := targets if {
	parts := split(ref, ".")
	parts[0] == "var"
	prefix != ""
	segments := split(prefix, ".")
	n := count(segments)
	call := segments[n - 1]
	parent := concat(".", array.slice(segments, 0, n - 2))
	refs := object.get(lib.config_module(parent), ["module_calls", call, "expressions", parts[1], "references"], [])
	targets := {in_module(parent, sprintf("%s.%s", [p[0], p[1]])) |
		some pref in refs
		p := split(pref, ".")
		p[0] in vpc_types
	}
}

# A module's output: the VPC its expression references inside that module
# (`vpc_id = module.net.vpc_id`, output `vpc_id = aws_vpc.this.id`).
vpc_target(prefix, ref) := targets if {
	parts := split(ref, ".")
	parts[0] == "module"
	count(parts) >= 3
	child := in_module(prefix, sprintf("module.%s", [parts[1]]))
	refs := object.get(lib.config_module(child), ["outputs", parts[2], "expression", "references"], [])
	targets := {in_module(child, sprintf("%s.%s", [p[0], p[1]])) |
		some oref in refs
		p := split(oref, ".")
		p[0] in vpc_types
		count(p) >= 2
	}
}

in_module("", address) := address

in_module(prefix, address) := sprintf("%s.%s", [prefix, address]) if prefix != ""

# Whether a resource with a vpc_id (flow log, default security group) points at a VPC of the plan.
points_at(f, vpc) if vpc.config_address in vpc_id_targets(f)

points_at(f, vpc) if {
	id := lib.get(f, "vpc_id", "")
	id != ""
	id == lib.get(vpc, "id", null)
}

# vpc_id unknown until apply through a local: the only VPC of the same module instance.
points_at(f, vpc) if {
	lib.is_unknown(f, "vpc_id")
	f.module == vpc.module
	vpcs_in_module[vpc.module] == 1
	some c in lib.config_resources(f)
	some ref in object.get(c, ["expressions", "vpc_id", "references"], [])
	startswith(ref, "local.")
}

has_flow_log(vpc) if {
	some f in flow_logs
	points_at(f, vpc)
}

# A flow log whose VPC cannot be traced to a VPC of this plan.
untraced(f) if {
	lib.configured_attr(f, "vpc_id")
	count(vpc_id_targets(f)) == 0
	not lib.get(f, "vpc_id", "") in vpc_ids
	not local_in_vpc_module(f)
}

local_in_vpc_module(f) if {
	some vpc in vpcs
	points_at(f, vpc)
}

untraced_flow_log if {
	some f in flow_logs
	untraced(f)
}

# The default VPC too, when the plan manages it (CIS 3.7 covers every VPC).
vpc_types := {"aws_vpc", "aws_default_vpc"}

flow_log_vpcs := array.concat(lib.configured("aws_vpc"), lib.configured("aws_default_vpc"))

deny contains lib.finding("TFO-VPC-006", vpc.address, "no aws_flow_log in the plan points at this VPC") if {
	lib.on(metadata, "TFO-VPC-006", false)
	some vpc in flow_log_vpcs
	not has_flow_log(vpc)
	not untraced_flow_log
}

warn contains lib.unknown_finding("TFO-VPC-006", vpc.address, "the vpc_id of the plan's flow logs") if {
	lib.on(metadata, "TFO-VPC-006", false)
	some vpc in flow_log_vpcs
	not has_flow_log(vpc)
	untraced_flow_log
}

# --- TFO-VPC-012: a new VPC's default security group ----------------------------------------------
# Every VPC gets a default security group that allows all traffic between its members and all
# egress (CIS 5.4). A VPC this plan creates passes when the plan manages its default security group
# (TFO-VPC-005 then checks that it has no rules).

default_sgs := [g | some g in lib.of_type("aws_default_security_group"); g.change != "delete"]

has_managed_default_sg(vpc) if {
	some g in default_sgs
	points_at(g, vpc)
}

# A default security group whose VPC cannot be traced: the rule cannot decide.
untraced_default_sg if {
	some g in default_sgs
	count(vpc_id_targets(g)) == 0
	not lib.get(g, "vpc_id", "") in vpc_ids
	not local_in_vpc_module(g)
}

warn contains lib.finding("TFO-VPC-012", vpc.address, "the plan creates this VPC without managing its default security group: it keeps AWS's rules (all traffic between members, all egress)") if {
	lib.on(metadata, "TFO-VPC-012", false)
	some vpc in lib.configured("aws_vpc")
	vpc.change == "create"
	not has_managed_default_sg(vpc)
	not untraced_default_sg
}

# --- TFO-VPC-007: network ACLs ------------------------------------------------------------------------

# [resource, label, entry] for ingress allow entries of network ACLs.
nacl_entries := array.concat(
	[[r, sprintf("ingress.%d", [i]), {
		"cidrs": [c | some a in ["cidr_block", "ipv6_cidr_block"]; c := object.get(b, a, ""); c != null; c != ""],
		"from": object.get(b, "from_port", 0), "to": object.get(b, "to_port", 0),
		"protocol": lower(b.protocol),
	}] |
		some type in ["aws_network_acl", "aws_default_network_acl"]
		some r in lib.configured(type)
		some i, b in lib.get(r, "ingress", [])
		lower(b.action) == "allow"
	],
	[[r, r.address, {
		"cidrs": [c | some a in ["cidr_block", "ipv6_cidr_block"]; c := lib.get(r, a, ""); c != ""],
		"from": lib.get(r, "from_port", 0), "to": lib.get(r, "to_port", 0),
		"protocol": lower(lib.get(r, "protocol", "")),
	}] |
		some r in lib.configured("aws_network_acl_rule")
		lib.get(r, "egress", false) == false
		lower(lib.get(r, "rule_action", "")) == "allow"
	],
)

# An entry for specific ports that covers 22 or 3389 from the internet blocks. An entry that allows
# all traffic is the stock posture of every network ACL (AWS's default ACL, adopted unchanged by
# terraform-aws-modules/vpc): on the default ACL it is not reported, on a dedicated ACL it warns
# (security groups are the control that decides; the ACL adds nothing).
deny contains lib.finding("TFO-VPC-007", r.address, msg) if {
	lib.on(metadata, "TFO-VPC-007", false)
	some [r, label, entry] in nacl_entries
	not all_ports(entry)
	not ephemeral_range(entry)
	some cidr in entry.cidrs
	cidr in world
	some port in admin_ports
	covers(entry, port)
	msg := sprintf("%s allows port %d from %s", [described(r, label), port, cidr])
}

# The return-traffic range a stateless ACL needs (1024-65535, 32768-65535, ...): it covers 3389
# only by width, not to open RDP.
ephemeral_range(entry) if {
	entry.from >= 1024
	entry.to - entry.from >= 1000
}

warn contains lib.finding("TFO-VPC-007", r.address, msg) if {
	lib.on(metadata, "TFO-VPC-007", false)
	some [r, label, entry] in nacl_entries
	r.type != "aws_default_network_acl"
	all_ports(entry)
	some cidr in entry.cidrs
	cidr in world
	msg := sprintf("%s allows all traffic from %s (ports 22 and 3389 included)", [described(r, label), cidr])
}

# --- TFO-VPC-008: all egress to the internet ------------------------------------------------------------

warn contains lib.finding("TFO-VPC-008", r.address, msg) if {
	lib.on(metadata, "TFO-VPC-008", false)
	some [r, label, rule] in directed_rules.egress
	r.type != "aws_default_security_group"
	some cidr in rule.cidrs
	cidr in world
	all_ports(rule)
	msg := sprintf("%s allows all ports to %s", [described(r, label), cidr])
}

# --- TFO-VPC-009: rule descriptions ----------------------------------------------------------------------

warn contains lib.finding("TFO-VPC-009", r.address, sprintf("%s has no description", [what])) if {
	lib.on(metadata, "TFO-VPC-009", false)
	some direction in ["ingress", "egress"]
	some [r, label, rule] in directed_rules[direction]
	r.type != "aws_default_security_group"
	object.get(rule, "description", "") in {"", null}
	what := described(r, label)
}

# How a message names the rule: its block (ingress.0) for inline rules, "the rule" for rule resources.
described(r, label) := "the rule" if {
	label == r.address
} else := label

# --- TFO-VPC-010: public subnets --------------------------------------------------------------------------

warn contains lib.finding("TFO-VPC-010", r.address, "map_public_ip_on_launch is true: every instance launched here gets a public IP") if {
	lib.on(metadata, "TFO-VPC-010", false)
	some r in lib.configured("aws_subnet")
	lib.get(r, "map_public_ip_on_launch", false) == true
}

# --- TFO-VPC-011: default VPC --------------------------------------------------------------------------------

warn contains lib.finding("TFO-VPC-011", r.address, "the default VPC is managed here: use a dedicated VPC") if {
	lib.on(metadata, "TFO-VPC-011", false)
	some r in lib.configured("aws_default_vpc")
}

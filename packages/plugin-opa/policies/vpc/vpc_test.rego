package tfo.rules.vpc_test

import data.tfo.rules.vpc

hits(findings, id, resource) := [f | some f in findings; f.id == id; f.resource == resource]

messages(findings, id, resource) := {f.message | some f in hits(findings, id, resource)}

ids(findings) := {f.id | some f in findings}

compliant := data.testdata.vpc.compliant

violating := data.testdata.vpc.violating

module := data.testdata.vpc.module

untraced := data.testdata.vpc.untraced

test_compliant_has_no_findings if {
	count(vpc.deny) == 0 with input as compliant
	count(vpc.warn) == 0 with input as compliant
}

test_metadata_complete if {
	every id, m in vpc.metadata {
		regex.match(`^TFO-VPC-[0-9]{3}$`, id)
		m.severity in {"critical", "high", "medium", "low"}
		m.title != ""
		m.remediation != ""
		"cis" in object.keys(m)
	}
	findings := vpc.deny | vpc.warn with input as violating
	every f in findings {
		vpc.metadata[f.id]
	}
}

# TFO-VPC-001
test_001_ssh_rdp_from_ipv4_world_denied if {
	messages(vpc.deny, "TFO-VPC-001", "aws_security_group.admin") == {"ingress.0 allows port 22 from 0.0.0.0/0"} with input as violating
	messages(vpc.deny, "TFO-VPC-001", "aws_security_group_rule.all_in") == {
		"the rule allows port 22 from 0.0.0.0/0",
		"the rule allows port 3389 from 0.0.0.0/0",
	} with input as violating
}

test_001_port_range_in_module_denied if {
	messages(vpc.deny, "TFO-VPC-001", "module.network.aws_security_group.ssh") == {"ingress.0 allows port 22 from 0.0.0.0/0"} with input as module
}

test_001_unknown_sources_warn if {
	[a] := hits(vpc.warn, "TFO-VPC-001", "aws_security_group.office") with input as untraced
	a.unknown
	[b] := hits(vpc.warn, "TFO-VPC-001", "aws_security_group_rule.office_rdp") with input as untraced
	b.unknown
	not "TFO-VPC-001" in ids(vpc.deny) with input as untraced
}

# compliant: SSH only from 10.10.0.0/16, HTTPS from anywhere.
test_001_restricted_passes if {
	not "TFO-VPC-001" in ids(vpc.deny | vpc.warn) with input as compliant
}

# TFO-VPC-002
test_002_rdp_from_ipv6_world_denied if {
	messages(vpc.deny, "TFO-VPC-002", "aws_security_group.admin") == {"ingress.1 allows port 3389 from ::/0"} with input as violating
}

test_002_ipv4_only_passes if {
	not "TFO-VPC-002" in ids(vpc.deny) with input as compliant
	not "TFO-VPC-002" in ids(vpc.deny) with input as module
}

# TFO-VPC-003
test_003_all_ports_from_world_denied if {
	messages(vpc.deny, "TFO-VPC-003", "aws_security_group_rule.all_in") == {"the rule allows all ports from 0.0.0.0/0"} with input as violating
}

test_003_specific_ports_pass if {
	not "TFO-VPC-003" in ids(vpc.deny) with input as compliant
	count(hits(vpc.deny, "TFO-VPC-003", "aws_security_group.admin")) == 0 with input as violating
}

test_003_full_tcp_range_is_all_ports if {
	vpc.all_ports({"protocol": "tcp", "from": 0, "to": 65535})
	not vpc.all_ports({"protocol": "tcp", "from": 1, "to": 1024})
	not vpc.all_ports({"protocol": "icmp", "from": 0, "to": 65535})
}

# TFO-VPC-004
test_004_database_ports_from_world_denied if {
	messages(vpc.deny, "TFO-VPC-004", "aws_vpc_security_group_ingress_rule.mysql_world") == {"the rule allows database port 3306 from 0.0.0.0/0"} with input as violating
	messages(vpc.deny, "TFO-VPC-004", "aws_vpc_security_group_ingress_rule.redis_world_v6") == {"the rule allows database port 6379 from ::/0"} with input as violating
}

# compliant: 5432 only from the VPC CIDR; all-ports rules are TFO-VPC-003's.
test_004_private_database_ports_pass if {
	not "TFO-VPC-004" in ids(vpc.deny) with input as compliant
	count(hits(vpc.deny, "TFO-VPC-004", "aws_security_group_rule.all_in")) == 0 with input as violating
}

# TFO-VPC-005
test_005_default_sg_with_rules_denied if {
	count(hits(vpc.deny, "TFO-VPC-005", "aws_default_security_group.default")) == 2 with input as violating
}

test_005_empty_default_sg_passes if {
	not "TFO-VPC-005" in ids(vpc.deny) with input as compliant
}

# TFO-VPC-006
test_006_vpc_without_flow_log_denied if {
	count(hits(vpc.deny, "TFO-VPC-006", "aws_vpc.legacy")) == 1 with input as violating
	count(hits(vpc.deny, "TFO-VPC-006", "aws_default_vpc.default")) == 1 with input as violating # the default VPC too (CIS 3.7)
}

# compliant: same-module reference; module: inside a module, and through a module variable.
test_006_flow_log_joined_passes if {
	not "TFO-VPC-006" in ids(vpc.deny | vpc.warn) with input as compliant
	not "TFO-VPC-006" in ids(vpc.deny | vpc.warn) with input as module
}

# untraced: the flow log's vpc_id is module.net's output, followed into the module to its VPC.
test_006_flow_log_through_a_module_output_passes if {
	not "TFO-VPC-006" in ids(vpc.deny | vpc.warn) with input as untraced
}

# a vpc_id the configuration cannot show (a local at the root, which has no VPC): unknown, no deny.
test_006_untraceable_flow_log_warns if {
	some i, c in untraced.plan.configuration.root_module.resources
	c.address == "aws_flow_log.net"
	path := sprintf("/plan/configuration/root_module/resources/%d/expressions/vpc_id/references", [i])
	local := json.patch(untraced, [{"op": "replace", "path": path, "value": ["local.vpc_id"]}])
	[f] := hits(vpc.warn, "TFO-VPC-006", "module.net.aws_vpc.this") with input as local
	f.unknown
	not "TFO-VPC-006" in ids(vpc.deny) with input as local
}

# existing: the flow log finds the (updated) VPC through a data source: joined by known ids.
test_006_known_ids_join if {
	count(vpc.deny) == 0 with input as data.testdata.vpc.existing
	count(vpc.warn) == 0 with input as data.testdata.vpc.existing
}

# terraform-aws-modules/vpc: the flow log's vpc_id is local.vpc_id (unknown until apply), in the same
# module instance as the only VPC there: joined. Not when the module instance has two VPCs.
test_006_flow_log_through_local_joined if {
	count(vpc.deny | vpc.warn) == 0 with input as module_vpc([module_vpc_res("aws_vpc"), module_flow_log])
	fs := vpc.deny | vpc.warn with input as module_vpc([module_vpc_res("aws_vpc"), object.union(module_vpc_res("aws_vpc"), {"address": "module.vpc.aws_vpc.other", "name": "other", "config_address": "module.vpc.aws_vpc.other"}), module_flow_log])
	count(hits(fs, "TFO-VPC-006", "module.vpc.aws_vpc.this[0]")) == 1
}

module_vpc_res(type) := {
	"address": sprintf("module.vpc.%s.this[0]", [type]), "module": "module.vpc", "type": type, "name": "this",
	"mode": "managed", "config_address": sprintf("module.vpc.%s.this", [type]), "change": "update", "configures": true,
	"unknown": ["id", "vpc_id"], "after": {},
}

module_flow_log := module_vpc_res("aws_flow_log")

module_vpc(resources) := {"resources": resources, "plan": {"configuration": {"root_module": {"module_calls": {"vpc": {"module": {"resources": [
	{"address": "aws_flow_log.this", "mode": "managed", "expressions": {"vpc_id": {"references": ["local.vpc_id"]}}},
	{"address": "aws_default_security_group.this", "mode": "managed", "expressions": {"vpc_id": {"references": ["aws_vpc.this[0].id", "aws_vpc.this"]}}},
]}}}}}}}

# TFO-VPC-012
test_012_new_vpc_without_default_sg_warns if {
	[f] := hits(vpc.warn, "TFO-VPC-012", "aws_vpc.legacy") with input as violating_without_default_sg
	not f.unknown
}

# module: neither the root VPC nor the module's VPC has its default security group managed.
test_012_module_vpcs_warn if {
	count(hits(vpc.warn, "TFO-VPC-012", "aws_vpc.edge")) == 1 with input as module
	count(hits(vpc.warn, "TFO-VPC-012", "module.network.aws_vpc.this")) == 1 with input as module
}

# The violating fixture without its default security group; the type index (input.types) is
# rebuilt, since its indexes point into the full resource list.
violating_without_default_sg := object.union(object.remove(violating, ["types"]), {"resources": kept, "types": types}) if {
	kept := [r | some r in violating.resources; r.type != "aws_default_security_group"]
	types := {t: [i | some i, r in kept; r.type == t] | some k in kept; t := k.type}
}

test_012_managed_default_sg_passes if {
	not "TFO-VPC-012" in ids(vpc.warn) with input as violating
	not "TFO-VPC-012" in ids(vpc.warn) with input as compliant
	created := [object.union(r, {"change": "create"}) | some r in [module_vpc_res("aws_vpc"), module_vpc_res("aws_default_security_group")]]
	not "TFO-VPC-012" in ids(vpc.warn) with input as module_vpc(created)
}

# A default security group whose VPC cannot be traced: no finding (cannot decide).
test_012_untraced_default_sg_silent if {
	created := [object.union(r, {"change": "create"}) | some r in [module_vpc_res("aws_vpc"), object.union(module_vpc_res("aws_default_security_group"), {"module": "module.other"})]]
	fs := vpc.warn with input as object.union(module_vpc(created), {"plan": {"configuration": {"root_module": {}}}})
	not "TFO-VPC-012" in ids(fs)
}

# TFO-VPC-007
test_007_nacl_admin_ports_from_world_denied if {
	messages(vpc.deny, "TFO-VPC-007", "aws_network_acl.legacy") == {"ingress.0 allows port 22 from 0.0.0.0/0"} with input as violating
	count(hits(vpc.deny, "TFO-VPC-007", "aws_network_acl_rule.rdp")) == 0 with input as violating
}

# An allow-all entry on a dedicated ACL warns (security groups decide); on the default ACL it is
# AWS's stock rule (terraform-aws-modules/vpc adopts it unchanged): not reported.
test_007_nacl_allow_all_warns_on_dedicated_acl_only if {
	messages(vpc.warn, "TFO-VPC-007", "aws_network_acl_rule.rdp") == {"the rule allows all traffic from ::/0 (ports 22 and 3389 included)"} with input as violating
	count(vpc.deny | vpc.warn) == 0 with input as {"resources": [default_acl]}
}

# terraform-aws-modules/vpc network-acls example: the ephemeral return range 1024-65535 is not RDP;
# the explicit 22 and 3389 entries are.
test_007_ephemeral_range_is_not_rdp if {
	fs := vpc.deny with input as {"resources": [nacl_rule(0, 1024, 65535), nacl_rule(3, 22, 22), nacl_rule(4, 3389, 3389)]}
	{f.resource | some f in fs} == {"module.vpc.aws_network_acl_rule.public_inbound[3]", "module.vpc.aws_network_acl_rule.public_inbound[4]"}
	count(vpc.deny) == 1 with input as {"resources": [nacl_rule(0, 1000, 3400)]}
}

nacl_rule(n, from, to) := {
	"address": sprintf("module.vpc.aws_network_acl_rule.public_inbound[%d]", [n]), "module": "module.vpc",
	"type": "aws_network_acl_rule", "name": "public_inbound", "mode": "managed",
	"config_address": "module.vpc.aws_network_acl_rule.public_inbound", "change": "create", "configures": true,
	"unknown": [], "after": {"egress": false, "rule_action": "allow", "protocol": "tcp", "from_port": from, "to_port": to, "cidr_block": "0.0.0.0/0"},
}

default_acl := {
	"address": "module.vpc.aws_default_network_acl.this[0]", "module": "module.vpc", "type": "aws_default_network_acl",
	"name": "this", "mode": "managed", "config_address": "module.vpc.aws_default_network_acl.this", "change": "create",
	"configures": true, "unknown": [], "after": {"ingress": [
		{"action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "ipv6_cidr_block": "", "from_port": 0, "to_port": 0, "rule_no": 100},
		{"action": "allow", "protocol": "-1", "cidr_block": "", "ipv6_cidr_block": "::/0", "from_port": 0, "to_port": 0, "rule_no": 101},
	]},
}

# compliant: SSH allowed only from 10.0.0.0/8; the 0.0.0.0/0 SSH rule denies.
test_007_nacl_restricted_passes if {
	not "TFO-VPC-007" in ids(vpc.deny) with input as compliant
}

# TFO-VPC-008
test_008_all_egress_to_world_warns if {
	messages(vpc.warn, "TFO-VPC-008", "aws_security_group.admin") == {"egress.0 allows all ports to 0.0.0.0/0"} with input as violating
	count(hits(vpc.warn, "TFO-VPC-008", "aws_vpc_security_group_egress_rule.all_out")) == 1 with input as violating
}

# compliant: all ports to the VPC only, 443 to the world.
test_008_limited_egress_passes if {
	not "TFO-VPC-008" in ids(vpc.warn) with input as compliant
	count(hits(vpc.warn, "TFO-VPC-008", "aws_default_security_group.default")) == 0 with input as violating
}

# TFO-VPC-009
test_009_rules_without_description_warn if {
	messages(vpc.warn, "TFO-VPC-009", "aws_security_group.admin") == {"ingress.0 has no description", "egress.0 has no description"} with input as violating
	messages(vpc.warn, "TFO-VPC-009", "aws_security_group_rule.all_in") == {"the rule has no description"} with input as violating
	count(hits(vpc.warn, "TFO-VPC-009", "aws_vpc_security_group_ingress_rule.mysql_world")) == 1 with input as violating
}

test_009_described_rules_pass if {
	not "TFO-VPC-009" in ids(vpc.warn) with input as compliant
	count(hits(vpc.warn, "TFO-VPC-009", "aws_vpc_security_group_ingress_rule.redis_world_v6")) == 0 with input as violating
}

# TFO-VPC-010
test_010_public_subnet_warns if {
	count(hits(vpc.warn, "TFO-VPC-010", "aws_subnet.public")) == 1 with input as violating
}

test_010_private_subnet_passes if {
	not "TFO-VPC-010" in ids(vpc.warn) with input as compliant
}

# TFO-VPC-011
test_011_default_vpc_warns if {
	count(hits(vpc.warn, "TFO-VPC-011", "aws_default_vpc.default")) == 1 with input as violating
}

test_011_no_default_vpc_passes if {
	not "TFO-VPC-011" in ids(vpc.warn) with input as compliant
}

# terraform-aws-modules/security-group shapes: aws_security_group_rule with count/for_each, lists of
# CIDRs, ipv6 ::/0, self and source security groups; aws_vpc_security_group_*_rule per CIDR.
sg_rule(name, after) := {
	"address": sprintf("module.sg.aws_security_group_rule.%s[0]", [name]), "module": "module.sg",
	"type": "aws_security_group_rule", "name": name, "mode": "managed",
	"config_address": sprintf("module.sg.aws_security_group_rule.%s", [name]), "change": "create", "configures": true,
	"unknown": ["security_group_id"], "after": object.union({"description": "from the module"}, after),
}

vpc_rule(type, name, after) := {
	"address": sprintf("module.sg.%s.%s[\"%s\"]", [type, name, name]), "module": "module.sg", "type": type, "name": name,
	"mode": "managed", "config_address": sprintf("module.sg.%s.%s", [type, name]), "change": "create", "configures": true,
	"unknown": ["security_group_id"], "after": object.union({"description": "from the module"}, after),
}

test_module_shapes_report_the_open_range if {
	ssh6 := sg_rule("ingress_with_ipv6_cidr_blocks", {"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "ipv6_cidr_blocks": ["::/0"]})
	pg := sg_rule("ingress_with_cidr_blocks", {"type": "ingress", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": ["10.0.0.0/8", "0.0.0.0/0"]})
	rdp := vpc_rule("aws_vpc_security_group_ingress_rule", "rdp", {"ip_protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_ipv4": "0.0.0.0/0"})
	all6 := vpc_rule("aws_vpc_security_group_ingress_rule", "all", {"ip_protocol": "-1", "cidr_ipv6": "::/0"})
	fs := vpc.deny with input as {"resources": [ssh6, pg, rdp, all6]}
	{f.message | some f in fs; f.resource == ssh6.address} == {"the rule allows port 22 from ::/0"}
	{f.message | some f in fs; f.resource == pg.address} == {"the rule allows database port 5432 from 0.0.0.0/0"}
	{f.message | some f in fs; f.resource == rdp.address} == {"the rule allows port 3389 from 0.0.0.0/0"}
	{f.message | some f in fs; f.resource == all6.address; f.id == "TFO-VPC-003"} == {"the rule allows all ports from ::/0"}
}

# Egress to the internet is normal (strict-only warning), self and source security groups are not open.
test_module_shapes_egress_self_and_sources_pass if {
	egress := sg_rule("egress_rules", {"type": "egress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]})
	self := sg_rule("ingress_with_self", {"type": "ingress", "protocol": "-1", "from_port": 0, "to_port": 0, "self": true})
	src := sg_rule("ingress_with_source_security_group_id", {"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "source_security_group_id": "sg-1"})
	egress6 := vpc_rule("aws_vpc_security_group_egress_rule", "all", {"ip_protocol": "-1", "cidr_ipv6": "::/0"})
	count(vpc.deny) == 0 with input as {"resources": [egress, self, src, egress6]}
	ws := vpc.warn with input as {"resources": [egress, self, src, egress6]}
	{f.id | some f in ws} == {"TFO-VPC-008"}
	vpc.metadata["TFO-VPC-008"].profile == "strict"
}

# The shape of terraform-aws-modules/vpc, written here because the corpus's v6.0.0 reads
# data.aws_region.current.region, an attribute only the AWS provider 6.x has, and so cannot be
# planned with the 5.x provider in the mirror. Same patterns: count-gated resources, the VPC id
# through a local (try(aws_vpc.this[0].id, "")), the default security group and network ACL
# adopted, flow logs to a CloudWatch log group with a role whose policy is an
# aws_iam_policy_document naming the log group.

variable "name" {
  type = string
}

variable "cidr" {
  type = string
}

variable "azs" {
  type = list(string)
}

variable "private_subnets" {
  type    = list(string)
  default = []
}

variable "public_subnets" {
  type    = list(string)
  default = []
}

variable "map_public_ip_on_launch" {
  type    = bool
  default = false
}

variable "enable_flow_log" {
  type    = bool
  default = false
}

variable "flow_log_retention_in_days" {
  type    = number
  default = null
}

variable "flow_log_kms_key_id" {
  type    = string
  default = null
}

# The corpus module's default: everything from anywhere, IPv4 and IPv6.
variable "default_network_acl_ingress" {
  type = list(map(string))
  default = [
    { rule_no = 100, action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
    { rule_no = 101, action = "allow", from_port = 0, to_port = 0, protocol = "-1", ipv6_cidr_block = "::/0" },
  ]
}

locals {
  vpc_id = try(aws_vpc.this[0].id, "")
}

resource "aws_vpc" "this" {
  count = 1

  cidr_block           = var.cidr
  enable_dns_hostnames = true
  enable_dns_support   = true
  tags                 = { Name = var.name }
}

resource "aws_subnet" "private" {
  count = length(var.private_subnets)

  vpc_id            = local.vpc_id
  cidr_block        = var.private_subnets[count.index]
  availability_zone = var.azs[count.index]
  tags              = { Name = "${var.name}-private-${var.azs[count.index]}" }
}

resource "aws_subnet" "public" {
  count = length(var.public_subnets)

  vpc_id                  = local.vpc_id
  cidr_block              = var.public_subnets[count.index]
  availability_zone       = var.azs[count.index]
  map_public_ip_on_launch = var.map_public_ip_on_launch
  tags                    = { Name = "${var.name}-public-${var.azs[count.index]}" }
}

resource "aws_default_security_group" "this" {
  count = 1

  vpc_id = aws_vpc.this[0].id
  tags   = { Name = "${var.name}-default" }
}

resource "aws_default_network_acl" "this" {
  count = 1

  default_network_acl_id = aws_vpc.this[0].default_network_acl_id

  dynamic "ingress" {
    for_each = var.default_network_acl_ingress
    content {
      action          = ingress.value.action
      cidr_block      = lookup(ingress.value, "cidr_block", null)
      ipv6_cidr_block = lookup(ingress.value, "ipv6_cidr_block", null)
      from_port       = ingress.value.from_port
      to_port         = ingress.value.to_port
      protocol        = ingress.value.protocol
      rule_no         = ingress.value.rule_no
    }
  }

  egress {
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
    protocol   = "-1"
    rule_no    = 100
  }

  lifecycle {
    ignore_changes = [subnet_ids]
  }
}

resource "aws_cloudwatch_log_group" "flow_log" {
  count = var.enable_flow_log ? 1 : 0

  name              = "/aws/vpc-flow-log/${var.name}"
  retention_in_days = var.flow_log_retention_in_days
  kms_key_id        = var.flow_log_kms_key_id
}

data "aws_iam_policy_document" "flow_log_assume" {
  count = var.enable_flow_log ? 1 : 0

  statement {
    sid     = "AWSVPCFlowLogsAssumeRole"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "flow_log_push" {
  count = var.enable_flow_log ? 1 : 0

  statement {
    sid       = "AWSVPCFlowLogsPushToCloudWatch"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.flow_log[0].arn}:*"]
  }
}

resource "aws_iam_role" "flow_log" {
  count = var.enable_flow_log ? 1 : 0

  name_prefix        = "vpc-flow-log-role-"
  assume_role_policy = data.aws_iam_policy_document.flow_log_assume[0].json
}

resource "aws_iam_role_policy" "flow_log" {
  count = var.enable_flow_log ? 1 : 0

  name_prefix = "vpc-flow-log-to-cloudwatch-"
  role        = aws_iam_role.flow_log[0].id
  policy      = data.aws_iam_policy_document.flow_log_push[0].json
}

resource "aws_flow_log" "this" {
  count = var.enable_flow_log ? 1 : 0

  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.flow_log[0].arn
  iam_role_arn             = aws_iam_role.flow_log[0].arn
  traffic_type             = "ALL"
  vpc_id                   = local.vpc_id
  max_aggregation_interval = 60
}

output "vpc_id" {
  value = local.vpc_id
}

output "vpc_cidr_block" {
  value = try(aws_vpc.this[0].cidr_block, null)
}

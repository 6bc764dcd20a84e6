terraform {
  required_providers {
    aws = { source = "registry.terraform.io/hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
}
# No aws_flow_log for this VPC.
resource "aws_vpc" "legacy" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_default_vpc" "default" {}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.legacy.id
  cidr_block              = "10.1.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.legacy.id

  ingress {
    protocol  = "-1"
    self      = true
    from_port = 0
    to_port   = 0
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "admin" {
  name   = "admin"
  vpc_id = aws_vpc.legacy.id

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description      = "RDP"
    from_port        = 3389
    to_port          = 3389
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "all_in" {
  type              = "ingress"
  from_port         = 0
  to_port           = 65535
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.admin.id
}

resource "aws_vpc_security_group_ingress_rule" "mysql_world" {
  security_group_id = aws_security_group.admin.id
  ip_protocol       = "tcp"
  from_port         = 3306
  to_port           = 3306
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "redis_world_v6" {
  security_group_id = aws_security_group.admin.id
  description       = "Redis"
  ip_protocol       = "tcp"
  from_port         = 6000
  to_port           = 6500
  cidr_ipv6         = "::/0"
}

resource "aws_vpc_security_group_egress_rule" "all_out" {
  security_group_id = aws_security_group.admin.id
  description       = "Everything out"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_network_acl" "legacy" {
  vpc_id = aws_vpc.legacy.id

  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "0.0.0.0/0"
    from_port  = 22
    to_port    = 22
  }
}

resource "aws_network_acl_rule" "rdp" {
  network_acl_id = aws_network_acl.legacy.id
  rule_number    = 200
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  ipv6_cidr_block = "::/0"
}

# Insecure: SSH and RDP open to the whole internet (IPv4 and IPv6) through the module's named
# rules, and PostgreSQL from 0.0.0.0/0 through a custom rule.

resource "aws_vpc" "this" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_flow_log" "this" {
  vpc_id               = aws_vpc.this.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::estate-central-flow-logs"
}

module "bastion_sg" {
  source = "CORPUS/security-group"

  name        = "estate-bastion"
  description = "Bastion"
  vpc_id      = aws_vpc.this.id

  ingress_cidr_blocks      = ["0.0.0.0/0"]
  ingress_ipv6_cidr_blocks = ["::/0"]
  ingress_rules            = ["ssh-tcp", "rdp-tcp"]

  ingress_with_cidr_blocks = [{
    rule        = "postgresql-tcp"
    cidr_blocks = "0.0.0.0/0"
  }]

  egress_rules = ["all-all"]
}

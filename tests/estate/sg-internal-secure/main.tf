# Secure by default: security groups open only inside the VPC: HTTPS from the VPC CIDR to the app
# tier, PostgreSQL to the database tier only from the app group, every rule described. The app
# tier's egress is HTTPS only; the database group keeps the postgresql submodule's default egress
# (all traffic to anywhere: its auto_egress_rules, which egress_rules = [] does not remove).

locals {
  vpc_cidr = "10.40.0.0/16"
}

resource "aws_vpc" "this" {
  cidr_block           = local.vpc_cidr
  enable_dns_hostnames = true
}

resource "aws_flow_log" "this" {
  vpc_id               = aws_vpc.this.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::estate-central-flow-logs"
}

module "app_sg" {
  source = "CORPUS/security-group"

  name        = "estate-app"
  description = "Application tier: HTTPS from inside the VPC"
  vpc_id      = aws_vpc.this.id

  ingress_cidr_blocks = [local.vpc_cidr]
  ingress_rules       = ["https-443-tcp"]

  egress_cidr_blocks = [local.vpc_cidr]
  egress_rules       = ["https-443-tcp"]
}

module "db_sg" {
  source = "CORPUS/security-group/modules/postgresql"

  name        = "estate-db"
  description = "Database tier: PostgreSQL from the application tier only"
  vpc_id      = aws_vpc.this.id

  ingress_cidr_blocks = []
  computed_ingress_with_source_security_group_id = [{
    rule                     = "postgresql-tcp"
    source_security_group_id = module.app_sg.security_group_id
  }]
  number_of_computed_ingress_with_source_security_group_id = 1

  egress_rules = []
}

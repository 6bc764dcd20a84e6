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

resource "aws_db_instance" "legacy" {
  identifier                 = "legacy-prod"
  engine                     = "mysql"
  engine_version             = "8.0"
  instance_class             = "db.t3.micro"
  allocated_storage          = 20
  username                   = "admin"
  password                   = "not-a-real-password-1"
  storage_encrypted          = false
  publicly_accessible        = true
  backup_retention_period    = 1
  deletion_protection        = false
  auto_minor_version_upgrade = false
  multi_az                   = false
  copy_tags_to_snapshot      = false
  skip_final_snapshot        = true
  tags = {
    env = "prod"
  }
}

# storage_encrypted and backup_retention_period left to AWS: unknown in the plan.
resource "aws_rds_cluster" "analytics" {
  cluster_identifier  = "analytics"
  engine              = "aurora-mysql"
  master_username     = "admin"
  master_password     = "not-a-real-password-2"
  skip_final_snapshot = true
}

resource "aws_rds_cluster_instance" "analytics" {
  identifier                   = "analytics-1"
  cluster_identifier           = aws_rds_cluster.analytics.id
  engine                       = aws_rds_cluster.analytics.engine
  instance_class               = "db.r6g.large"
  publicly_accessible          = true
  auto_minor_version_upgrade   = false
  performance_insights_enabled = true
}

# publicly_accessible left to AWS: unknown in the plan.
resource "aws_rds_cluster_instance" "analytics_2" {
  identifier         = "analytics-2"
  cluster_identifier = aws_rds_cluster.analytics.id
  engine             = aws_rds_cluster.analytics.engine
  instance_class     = "db.r6g.large"
}

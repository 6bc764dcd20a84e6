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

resource "aws_db_instance" "app" {
  identifier                          = "app-prod"
  engine                              = "postgres"
  engine_version                      = "16.3"
  instance_class                      = "db.t3.medium"
  allocated_storage                   = 20
  username                            = "app"
  manage_master_user_password         = true
  storage_encrypted                   = true
  kms_key_id                          = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  publicly_accessible                 = false
  backup_retention_period             = 14
  deletion_protection                 = true
  iam_database_authentication_enabled = true
  auto_minor_version_upgrade          = true
  multi_az                            = true
  copy_tags_to_snapshot               = true
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "app-prod-final"
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  tags = {
    Environment = "production"
  }
}

resource "aws_rds_cluster" "reporting" {
  cluster_identifier                  = "reporting"
  engine                              = "aurora-postgresql"
  master_username                     = "reporting"
  manage_master_user_password         = true
  storage_encrypted                   = true
  backup_retention_period             = 7
  deletion_protection                 = true
  iam_database_authentication_enabled = true
  copy_tags_to_snapshot               = true
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "reporting-final"
  enabled_cloudwatch_logs_exports     = ["postgresql"]
}

resource "aws_rds_cluster_instance" "reporting" {
  identifier                      = "reporting-1"
  cluster_identifier              = aws_rds_cluster.reporting.id
  engine                          = aws_rds_cluster.reporting.engine
  instance_class                  = "db.r6g.large"
  publicly_accessible             = false
  auto_minor_version_upgrade      = true
  copy_tags_to_snapshot           = true
  performance_insights_enabled    = true
  performance_insights_kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

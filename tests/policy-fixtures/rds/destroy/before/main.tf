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

resource "aws_db_instance" "old" {
  identifier          = "old"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = "not-a-real-password-3"
  storage_encrypted   = true
  skip_final_snapshot = true
}

resource "aws_rds_cluster" "main" {
  cluster_identifier  = "main"
  engine              = "aurora-postgresql"
  master_username     = "app"
  master_password     = "not-a-real-password-4"
  storage_encrypted   = true
  skip_final_snapshot = true
}

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

# aws_db_instance.old is removed (delete); the cluster is renamed (replace).
resource "aws_rds_cluster" "main" {
  cluster_identifier  = "main-v2"
  engine              = "aurora-postgresql"
  master_username     = "app"
  master_password     = "not-a-real-password-4"
  storage_encrypted   = true
  skip_final_snapshot = true
}

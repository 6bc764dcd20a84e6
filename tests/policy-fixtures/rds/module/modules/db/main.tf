variable "name" {
  type = string
}

resource "aws_kms_key" "pi" {
  description = "${var.name} performance insights"
}

# multi_az left to AWS on a production database: unknown in the plan.
resource "aws_db_instance" "this" {
  identifier                      = var.name
  engine                          = "postgres"
  instance_class                  = "db.t3.micro"
  allocated_storage               = 20
  username                        = "app"
  manage_master_user_password     = true
  publicly_accessible             = true
  backup_retention_period         = 7
  skip_final_snapshot             = true
  performance_insights_enabled    = true
  performance_insights_kms_key_id = aws_kms_key.pi.arn
  tags = {
    Environment = "production"
  }
}

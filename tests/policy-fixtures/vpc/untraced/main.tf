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
# The flow log's vpc_id is a module output: the plan cannot tie it to module.net's VPC.
module "net" {
  source = "./modules/net"
}

resource "aws_flow_log" "net" {
  vpc_id               = module.net.vpc_id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs-bucket"
}

# Sources only known after apply (terraform_data.output is unknown on create).
resource "terraform_data" "office" {
  input = ["203.0.113.0/24"]
}

resource "aws_security_group" "office" {
  name   = "office"
  vpc_id = module.net.vpc_id

  ingress {
    description = "SSH from the office"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = terraform_data.office.output
  }
}

resource "aws_security_group_rule" "office_rdp" {
  type              = "ingress"
  description       = "RDP from the office"
  from_port         = 3389
  to_port           = 3389
  protocol          = "tcp"
  cidr_blocks       = terraform_data.office.output
  security_group_id = aws_security_group.office.id
}

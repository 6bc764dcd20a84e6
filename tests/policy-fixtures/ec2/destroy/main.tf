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
# aws_ebs_volume.scratch is removed (delete); data moves to another zone (replace); logs grows (update).
resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1b"
  size              = 10
  encrypted         = true
}

resource "aws_ebs_volume" "logs" {
  availability_zone = "us-east-1a"
  size              = 20
  encrypted         = true
}

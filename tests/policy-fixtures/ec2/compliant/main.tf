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
resource "aws_ebs_encryption_by_default" "this" {
  enabled = true
}

resource "aws_instance" "app" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = "subnet-0123456789abcdef0"
  associate_public_ip_address = false
  iam_instance_profile        = "app-instance-profile"
  monitoring                  = true
  ebs_optimized               = true
  user_data_base64            = base64encode("#!/bin/bash\nsystemctl start app\n")

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  root_block_device {
    encrypted   = true
    volume_size = 20
  }

  ebs_block_device {
    device_name = "/dev/sdf"
    encrypted   = true
    volume_size = 10
  }
}

resource "aws_instance" "worker" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = "subnet-0123456789abcdef0"
  associate_public_ip_address = false
  iam_instance_profile        = "worker-instance-profile"
  monitoring                  = true
  ebs_optimized               = true
  user_data                   = <<-SCRIPT
    #!/bin/bash
    echo "starting worker"
  SCRIPT

  metadata_options {
    http_tokens = "required"
  }

  root_block_device {
    encrypted = true
  }
}

resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 10
  encrypted         = true
}

resource "aws_launch_template" "app" {
  name_prefix   = "app-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = base64encode("#!/bin/bash\nsystemctl start app\n")

  monitoring {
    enabled = true
  }

  metadata_options {
    http_tokens = "required"
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      encrypted   = "true"
      volume_size = 20
    }
  }
}

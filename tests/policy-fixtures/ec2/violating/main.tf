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
variable "bootstrap" {
  type    = string
  default = "#!/bin/bash\necho bootstrap\n"
}

resource "aws_ebs_encryption_by_default" "this" {
  enabled = false
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = "subnet-0123456789abcdef0"
  associate_public_ip_address = true
  monitoring                  = false
  ebs_optimized               = false
  user_data                   = <<-SCRIPT
    #!/bin/bash
    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
    echo "db_password=hunter2" > /etc/app.conf
  SCRIPT

  metadata_options {
    http_tokens = "optional"
  }

  root_block_device {
    encrypted = false
  }

  ebs_block_device {
    device_name = "/dev/sdf"
    encrypted   = false
    volume_size = 10
  }
}

# metadata_options, root_block_device, associate_public_ip_address left to AWS: unknown in the plan;
# user_data from a variable: only its hash is in the plan.
resource "aws_instance" "defaults" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = var.bootstrap
}

resource "aws_instance" "b64" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  associate_public_ip_address = false
  user_data_base64            = base64encode("#!/bin/bash\naws_secret_access_key = not-a-real-secret\n")

  metadata_options {
    http_tokens = "required"
  }

  root_block_device {
    encrypted = true
  }
}

resource "aws_ebs_volume" "plain" {
  availability_zone = "us-east-1a"
  size              = 10
  encrypted         = false
}

# encrypted left to AWS (account default): unknown in the plan.
resource "aws_ebs_volume" "unset" {
  availability_zone = "us-east-1a"
  size              = 10
}

resource "aws_launch_template" "legacy" {
  name_prefix   = "legacy-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = base64encode("#!/bin/bash\nexport PASSWORD=hunter2\n")

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 20
    }
  }
}

resource "aws_launch_template" "optional_tokens" {
  name_prefix = "optional-"
  image_id    = "ami-0123456789abcdef0"

  metadata_options {
    http_tokens = "optional"
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      encrypted = "false"
    }
  }
}

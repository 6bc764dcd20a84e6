variable "name" {
  type = string
}

resource "aws_instance" "this" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  associate_public_ip_address = false
  iam_instance_profile        = "${var.name}-profile"
  monitoring                  = true
  ebs_optimized               = true
  user_data                   = <<-SCRIPT
    #!/bin/bash
    cat > /root/.aws/credentials <<CREDS
    [default]
    aws_secret_access_key = not-a-real-secret
    CREDS
  SCRIPT

  metadata_options {
    http_tokens = "required"
  }

  root_block_device {
    encrypted = true
  }
}

resource "aws_ebs_volume" "this" {
  availability_zone = "us-east-1a"
  size              = 10
  encrypted         = false
}

# Settings only known after apply (terraform_data.output is unknown on create).
resource "terraform_data" "settings" {
  input = {
    public_ip   = false
    monitoring  = true
    http_tokens = "required"
    user_data   = base64encode("#!/bin/bash\necho tuned\n")
  }
}

resource "aws_instance" "tuned" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  iam_instance_profile        = "${var.name}-profile"
  associate_public_ip_address = terraform_data.settings.output.public_ip
  monitoring                  = terraform_data.settings.output.monitoring
  user_data_base64            = terraform_data.settings.output.user_data

  metadata_options {
    http_tokens = terraform_data.settings.output.http_tokens
  }

  root_block_device {
    encrypted = true
  }

  # encrypted left to AWS: unknown in the plan.
  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 10
  }
}

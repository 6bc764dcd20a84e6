variable "cidr" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}

resource "aws_flow_log" "this" {
  vpc_id               = aws_vpc.this.id
  traffic_type         = "REJECT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs-bucket"
}

resource "aws_security_group" "ssh" {
  name   = "ssh"
  vpc_id = aws_vpc.this.id

  ingress {
    description = "SSH"
    from_port   = 20
    to_port     = 25
    protocol    = "6"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

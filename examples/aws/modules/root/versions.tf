terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "registry.terraform.io/hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # tfo (@tfo/plugin-s3-backup) passes bucket, key, region, encryption, locking and the state role per deployment.
  backend "s3" {}
}

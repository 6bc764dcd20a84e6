terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "registry.terraform.io/hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # tfo passes `-backend-config=path=<abs state path>` per deployment.
  backend "local" {}
}

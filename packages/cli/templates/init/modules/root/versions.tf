# No provider: the example resources are terraform's built-in terraform_data, so this module
# plans and applies with no cloud account and no provider download. Add the hashicorp/aws
# provider and real resources when you are ready.
terraform {
  required_version = ">= 1.4.0"

  # tfo gives each deployment its own state: -backend-config=path=<state file>
  backend "local" {}
}

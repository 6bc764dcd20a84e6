# The offline demo root module needs no provider: it uses terraform's built-in
# `terraform_data` resource, so it plans and applies for real without any cloud account.
# No providers means no .terraform.lock.hcl, so parallel `terraform init`s with separate
# TF_DATA_DIRs never race on a shared file.
terraform {
  required_version = ">= 1.4.0"

  # tfo passes `-backend-config=path=<abs state path>` per deployment.
  backend "local" {}
}

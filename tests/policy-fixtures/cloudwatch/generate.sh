#!/usr/bin/env bash
# Regenerates policies/<service>/testdata/<case>.plan.json from the case folders next to this
# script (<service> = this folder's name). Each fixture is `terraform show -json` of a REAL plan:
# terraform 1.11.4, hashicorp/aws 5.100.0 from the /opt/tf-plugins filesystem mirror, against a
# moto server this script starts on 127.0.0.1 (and stops on exit).
#
# A case folder holds main.tf (provider.tf is written here, the same for every case). When it
# also holds apply.tfvars, the case is first APPLIED to moto with it, then planned with
# plan.tfvars: that is how delete/replace fixtures are real. moto is reset between cases.
#
# Usage: generate.sh [case ...]     (default: every case folder)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
svc=$(basename "$here")
out="$repo/policies/$svc/testdata"
mkdir -p "$out"

work=$(mktemp -d)
moto_pid=
cleanup() {
  if [[ -n "$moto_pid" ]]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/cli.tfrc" <<'TFRC'
provider_installation {
  filesystem_mirror {
    path    = "/opt/tf-plugins"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
TFRC
mkdir -p "$work/plugin-cache"
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_PLUGIN_CACHE_DIR="$work/plugin-cache" \
  TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

cat >"$work/provider.tf" <<'PROVIDER'
terraform {
  required_providers {
    aws = {
      source  = "registry.terraform.io/hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
}
PROVIDER

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 150); do
  curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
  sleep 0.2
done
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
  AWS_ENDPOINT_URL="http://127.0.0.1:$port"

cases=("$@")
if [[ ${#cases[@]} -eq 0 ]]; then
  for d in "$here"/*/; do cases+=("$(basename "$d")"); done
fi

for c in "${cases[@]}"; do
  src="$here/$c"
  d="$work/cases/$c"
  mkdir -p "$d"
  cp "$src"/*.tf "$d/"
  cp "$work/provider.tf" "$d/provider.tf"
  curl -fs -X POST "http://127.0.0.1:$port/moto-api/reset" >/dev/null
  (
    cd "$d"
    terraform init -input=false -no-color >init.log
    plan_args=()
    if [[ -f "$src/apply.tfvars" ]]; then
      terraform apply -input=false -no-color -auto-approve -var-file="$src/apply.tfvars" >apply.log
    fi
    if [[ -f "$src/plan.tfvars" ]]; then plan_args=(-var-file="$src/plan.tfvars"); fi
    terraform plan -input=false -no-color -out=plan.bin "${plan_args[@]}" >plan.log
    terraform show -json plan.bin >"$out/$c.plan.json"
  ) || { echo "$svc/$c: failed; logs:" >&2; tail -n 30 "$d"/*.log >&2; exit 1; }
  echo "$svc/$c -> policies/$svc/testdata/$c.plan.json"
done

#!/usr/bin/env bash
# Regenerates policies/golden/testdata/*.plan.json: `terraform show -json` of REAL plans
# (terraform 1.11.4) of the example root modules, so the golden rules meet real input variables.
#
#   offline-<env>-<project>   examples/offline/modules/root with every tfvars of
#                             examples/offline/deployments (no provider: terraform_data only)
#   offline-violations        the same module with offline-violations/violations.tfvars
#   aws-<env>-<project>       examples/aws/modules/root with some tfvars of examples/aws/deployments,
#   aws-violations            and with aws-violations/violations.tfvars: hashicorp/aws 5.100.0
#                             from the /opt/tf-plugins mirror, against a moto server this script
#                             starts on 127.0.0.1 (and stops on exit)
#
# Each plan runs with its own TF_DATA_DIR and a fresh local state path.
#
# Usage: generate.sh [fixture-name ...]   (default: every fixture, e.g. offline-violations)
set -euo pipefail
only=("$@")

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out="$repo/policies/golden/testdata"
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

# plan_one <name> <module dir> <tfvars>
plan_one() {
  local name=$1 module=$2 tfvars=$3 d="$work/runs/$1"
  if [[ ${#only[@]} -gt 0 && " ${only[*]} " != *" $name "* ]]; then return 0; fi
  mkdir -p "$d"
  (
    export TF_DATA_DIR="$d/.terraform"
    export TF_VAR_tfo_project
    TF_VAR_tfo_project=$(basename "$(dirname "$tfvars")")
    cd "$module"
    terraform init -input=false -no-color -backend-config=path="$d/terraform.tfstate" >"$d/init.log"
    terraform plan -input=false -no-color -var-file="$tfvars" -out="$d/plan.bin" >"$d/plan.log"
    terraform show -json "$d/plan.bin" >"$out/$name.plan.json"
  ) || { echo "golden/$name: failed; logs:" >&2; tail -n 30 "$d"/*.log >&2; exit 1; }
  echo "golden/$name -> policies/golden/testdata/$name.plan.json"
}

offline="$repo/examples/offline"
while IFS= read -r f; do
  rel=${f#"$offline/deployments/"}            # dev-deployment/S3/app-assets/app-assets.tfvars
  env=${rel%%-deployment/*}
  plan_one "offline-$env-$(basename "$f" .tfvars)" "$offline/modules/root" "$f"
done < <(find "$offline/deployments" -name '*.tfvars' | sort)
plan_one offline-violations "$offline/modules/root" "$here/offline-violations/violations.tfvars"

# The aws example against moto (TF_VAR_tfo_role_arn="" → ambient test credentials).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 150); do
  curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
  sleep 0.2
done
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
  AWS_ENDPOINT_URL="http://127.0.0.1:$port" TF_VAR_tfo_account_id=123456789012 TF_VAR_tfo_role_arn=

aws="$repo/examples/aws"
for rel in stage-deployment/S3/public-site dev-deployment/Combined/order-events \
  stage-deployment/DynamoDB/sessions prod-deployment/DynamoDB/orders; do
  env=${rel%%-deployment/*}
  project=$(basename "$rel")
  plan_one "aws-$env-$project" "$aws/modules/root" "$aws/deployments/$rel/$project.tfvars"
done
plan_one aws-violations "$aws/modules/root" "$here/aws-violations/violations.tfvars"

#!/usr/bin/env bash
# Regenerates the policy test fixtures packages/plugin-opa/policies/<service>/testdata/<case>.plan.json. Each one is the
# unedited `terraform show -json` of a REAL plan: terraform 1.11.4, hashicorp/aws 5.100.0 from the
# /opt/tf-plugins filesystem mirror, against a moto server this script starts on 127.0.0.1 (on a
# free port, reset before every plan, stopped on exit).
#
# Usage:
#   generate.sh <service> [case ...]     cases of tests/policy-fixtures/<service>/ (default: every
#                                        case folder, i.e. every sub-folder holding main.tf)
#   generate.sh golden [fixture ...]     the golden plans (see below; default: every fixture)
#   generate.sh --all                    every service, golden included
#
# FIXTURES_OUT=<dir> writes <dir>/<service>/<case>.plan.json instead of packages/plugin-opa/policies/<service>/testdata/
# (to compare with the committed fixtures without overwriting them).
#
# A case folder <service>/<case>/ holds main.tf (and optionally local module folders). Its *.tf are
# planned; when none of its top-level *.tf configures `provider "aws"`, the provider.tf below is
# added. Cases that change applied infrastructure (delete / replace fixtures) use either
#   apply.tfvars + plan.tfvars   main.tf is first applied with apply.tfvars, then planned with
#                                plan.tfvars (either file is optional), or
#   before/                      before/ (a whole configuration) is applied first, then the case's
#                                own configuration is planned against that state.
#
# golden: plans of the example root modules, so the golden rules meet real input variables. Each
# plan runs with its own TF_DATA_DIR and a fresh local state path (-backend-config=path=...).
#   offline-<env>-<project>   examples/offline/modules/root with every tfvars of
#                             examples/offline/deployments (no provider: terraform_data only)
#   offline-violations        the same module with golden/offline-violations/violations.tfvars
#   aws-<env>-<project>       examples/aws/modules/root with some tfvars of examples/aws/deployments,
#   aws-violations            and with golden/aws-violations/violations.tfvars, against moto
#                             (TF_VAR_tfo_role_arn="" -> the ambient test credentials)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

usage() { sed -n '/^# Usage:/,/^# FIXTURES_OUT/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "generate.sh: $*" >&2; exit 1; }

work=$(mktemp -d)
moto_pid=
port=
cleanup() {
  if [[ -n "$moto_pid" ]]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

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
  TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
unset AWS_PROFILE AWS_SESSION_TOKEN

# Added to cases that do not configure the provider themselves.
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

# moto_fresh: starts moto on 127.0.0.1 the first time (and points the AWS SDK at it), else resets it.
moto_fresh() {
  if [[ -n "$moto_pid" ]]; then
    curl -fs -X POST "http://127.0.0.1:$port/moto-api/reset" >/dev/null || die "moto reset failed"
    return
  fi
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
  moto_pid=$!
  local _
  for _ in $(seq 150); do
    curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
    kill -0 "$moto_pid" 2>/dev/null || break
    sleep 0.2
  done
  curl -fs "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 || { tail -n 30 "$work/moto.log" >&2; die "moto did not start"; }
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
    AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL="http://127.0.0.1:$port"
}

# tf <label> <dir> <log> <terraform args...>: terraform -chdir=<dir>, output in <log>; stops on failure.
tf() {
  local label=$1 dir=$2 log=$3
  shift 3
  terraform -chdir="$dir" "$@" -input=false -no-color >"$log" 2>&1 ||
    { echo "$label: terraform $1 failed:" >&2; tail -n 30 "$log" >&2; exit 1; }
}

# plan_fixture <label> <dir> <run dir> <dest> [plan args...]: plans the initialised <dir> into
# <run dir>/plan.bin and writes its `terraform show -json` to <dest>.
plan_fixture() {
  local label=$1 dir=$2 run=$3 dest=$4
  shift 4
  tf "$label" "$dir" "$run/plan.log" plan -out="$run/plan.bin" "$@"
  terraform -chdir="$dir" show -json "$run/plan.bin" >"$run/plan.json" 2>"$run/show.log" ||
    { echo "$label: terraform show failed:" >&2; cat "$run/show.log" >&2; exit 1; }
  mkdir -p "$(dirname "$dest")"
  mv "$run/plan.json" "$dest"
  echo "$label -> ${dest#"$repo/"}"
}

out_dir() { if [[ -n "${FIXTURES_OUT:-}" ]]; then echo "$FIXTURES_OUT/$1"; else echo "$repo/packages/plugin-opa/policies/$1/testdata"; fi; }

# copy_config <from> <to>: the *.tf of <from> (module folders included, before/ excluded), plus
# provider.tf when <from> does not configure the aws provider itself.
copy_config() {
  (cd "$1" && find . -path ./before -prune -o -name '*.tf' -exec cp --parents {} "$2" \;)
  if ! grep -qs '^provider "aws"' "$1"/*.tf; then cp "$work/provider.tf" "$2/provider.tf"; fi
}

# gen_case <service> <case>
gen_case() {
  local svc=$1 c=$2 label="$1/$2" src="$here/$1/$2" d="$work/$1/$2"
  [[ -f "$src/main.tf" ]] || die "$label: no such case ($src/main.tf)"
  mkdir -p "$d"
  moto_fresh
  if [[ -d "$src/before" ]]; then
    copy_config "$src/before" "$d"
    tf "$label" "$d" "$d/before-init.log" init
    tf "$label" "$d" "$d/before-apply.log" apply -auto-approve
    find "$d" -name .terraform -prune -o -name '*.tf' -type f -exec rm {} +
  fi
  copy_config "$src" "$d"
  tf "$label" "$d" "$d/init.log" init
  if [[ -f "$src/apply.tfvars" ]]; then
    tf "$label" "$d" "$d/apply.log" apply -auto-approve -var-file="$src/apply.tfvars"
  fi
  local plan_args=()
  if [[ -f "$src/plan.tfvars" ]]; then plan_args=(-var-file="$src/plan.tfvars"); fi
  plan_fixture "$label" "$d" "$d" "$(out_dir "$svc")/$c.plan.json" "${plan_args[@]}"
}

gen_service() {
  local svc=$1 c d
  shift
  [[ -d "$here/$svc" ]] || die "no such service: $svc"
  if [[ "$svc" == golden ]]; then gen_golden "$@"; return; fi
  local cases=("$@")
  if [[ ${#cases[@]} -eq 0 ]]; then
    for d in "$here/$svc"/*/; do [[ -f "$d/main.tf" ]] && cases+=("$(basename "$d")"); done
  fi
  for c in "${cases[@]}"; do gen_case "$svc" "$c"; done
}

# golden_one <name> <module dir> <tfvars> [aws]: skipped unless <name> was asked for; "aws" plans
# against moto with the test account.
golden_only=()
golden_done=()
golden_one() {
  local name=$1 module=$2 tfvars=$3 d="$work/golden/$1" vars=()
  if [[ ${#golden_only[@]} -gt 0 && " ${golden_only[*]} " != *" $name "* ]]; then return 0; fi
  if [[ "${4:-}" == aws ]]; then
    moto_fresh
    vars=(TF_VAR_tfo_account_id=123456789012 TF_VAR_tfo_role_arn=)
  fi
  mkdir -p "$d"
  ( # the subshell keeps TF_DATA_DIR and the TF_VAR_s to this plan
    export TF_DATA_DIR="$d/.terraform" TF_VAR_tfo_project="$(basename "$(dirname "$tfvars")")" "${vars[@]}"
    tf "golden/$name" "$module" "$d/init.log" init -backend-config=path="$d/terraform.tfstate"
    plan_fixture "golden/$name" "$module" "$d" "$(out_dir golden)/$name.plan.json" -var-file="$tfvars"
  ) || exit 1
  golden_done+=("$name")
}

gen_golden() {
  golden_only=("$@")
  golden_done=()
  local offline="$repo/examples/offline" aws="$repo/examples/aws" f rel env project n
  while IFS= read -r f; do
    rel=${f#"$offline/deployments/"} # dev-deployment/S3/app-assets/app-assets.tfvars
    env=${rel%%-deployment/*}
    golden_one "offline-$env-$(basename "$f" .tfvars)" "$offline/modules/root" "$f"
  done < <(find "$offline/deployments" -name '*.tfvars' | sort)
  golden_one offline-violations "$offline/modules/root" "$here/golden/offline-violations/violations.tfvars"

  for rel in stage-deployment/S3/public-site dev-deployment/Combined/order-events \
    stage-deployment/DynamoDB/sessions prod-deployment/DynamoDB/orders; do
    env=${rel%%-deployment/*}
    project=$(basename "$rel")
    golden_one "aws-$env-$project" "$aws/modules/root" "$aws/deployments/$rel/$project.tfvars" aws
  done
  golden_one aws-violations "$aws/modules/root" "$here/golden/aws-violations/violations.tfvars" aws

  for n in "${golden_only[@]}"; do
    [[ " ${golden_done[*]} " == *" $n "* ]] || die "golden/$n: no such fixture"
  done
}

[[ $# -gt 0 ]] || usage
case $1 in
  -h | --help) usage ;;
  --all)
    [[ $# -eq 1 ]] || usage
    for d in "$here"/*/; do gen_service "$(basename "$d")"; done
    ;;
  -*) usage ;;
  *) gen_service "$@" ;;
esac

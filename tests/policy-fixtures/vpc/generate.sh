#!/usr/bin/env bash
# Regenerates policies/<service>/testdata/<case>.plan.json from the configs beside this script:
# a real `terraform plan` against a local moto server, saved with `terraform show -json`.
#
#   tests/policy-fixtures/<service>/generate.sh [case ...]     (default: every case)
#
# Each <case>/main.tf is planned. A case with a <case>/before/ folder is a change to existing
# infrastructure: before/*.tf is applied to moto first, then <case>/main.tf is planned against
# that state (delete / replace fixtures).
# Needs terraform 1.11.x, moto_server, and the provider mirror at /opt/tf-plugins
# (hashicorp/aws 5.100.0).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
service="$(basename "$here")"
root="$(cd "$here/../../.." && pwd)"
out="$root/policies/$service/testdata"
mkdir -p "$out"

work="$(mktemp -d)"
moto_pid=""
cleanup() {
  if [[ -n "$moto_pid" ]]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/cli.tfrc" <<'RC'
provider_installation {
  filesystem_mirror {
    path    = "/opt/tf-plugins"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
RC

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
  sleep 0.1
done

export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 TF_INPUT=0
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
unset AWS_PROFILE AWS_SESSION_TOKEN

cases=("$@")
if [[ ${#cases[@]} -eq 0 ]]; then
  for d in "$here"/*/; do [[ -f "$d/main.tf" ]] && cases+=("$(basename "$d")"); done
fi

copy_config() { # copy *.tf and module folders (not before/) from $1 into $2
  find "$2" -maxdepth 1 -name '*.tf' -delete
  (cd "$1" && find . -name '*.tf' -not -path './before/*' -print0 | while IFS= read -r -d '' f; do
    mkdir -p "$2/$(dirname "$f")"; cp "$f" "$2/$f"; done)
}

for c in "${cases[@]}"; do
  src="$here/$c"
  dir="$work/$c"
  mkdir -p "$dir"
  echo "== $service/$c"
  if [[ -d "$src/before" ]]; then
    cp "$src"/before/*.tf "$dir/"
    terraform -chdir="$dir" init -input=false -no-color >/dev/null
    terraform -chdir="$dir" apply -auto-approve -input=false -no-color >/dev/null
  fi
  copy_config "$src" "$dir"
  terraform -chdir="$dir" init -input=false -no-color >/dev/null
  terraform -chdir="$dir" plan -input=false -no-color -out=plan.bin >/dev/null
  terraform -chdir="$dir" show -json plan.bin >"$dir/plan.json"
  mv "$dir/plan.json" "$out/$c.plan.json"
  echo "   -> policies/$service/testdata/$c.plan.json"
done

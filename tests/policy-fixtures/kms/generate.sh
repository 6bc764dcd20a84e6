#!/usr/bin/env bash
# Regenerate policies/<svc>/testdata/<case>.plan.json from the configs next to this script.
#
#   tests/policy-fixtures/<svc>/generate.sh [case ...]     (default: every case folder)
#
# Each <case>/ holds main.tf (and optionally mod/ for a local module). When <case>/before/
# exists, it is applied first (to a local moto server) and the plan is then made of the
# case's own config against that state: that is how delete/replace fixtures are produced.
# Needs terraform 1.11.4, the provider mirror /opt/tf-plugins (hashicorp/aws 5.100.0) and
# moto_server. moto listens on 127.0.0.1 only and is stopped on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
svc=$(basename "$here")
repo=$(cd "$here/../../.." && pwd)
out="$repo/policies/$svc/testdata"
mkdir -p "$out"

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
cleanup() {
  kill "$moto_pid" 2>/dev/null || true
  wait "$moto_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
  sleep 0.2
done

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
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
unset AWS_PROFILE AWS_SESSION_TOKEN

if [ $# -gt 0 ]; then cases=("$@"); else
  cases=()
  for d in "$here"/*/; do cases+=("$(basename "$d")"); done
fi

tf() { terraform -chdir="$1" "${@:2}" >>"$work/tf.log" 2>&1 || { cat "$work/tf.log" >&2; exit 1; }; }

for c in "${cases[@]}"; do
  src="$here/$c"
  d="$work/cases/$c"
  mkdir -p "$d"
  curl -sf -X POST "http://127.0.0.1:$port/moto-api/reset" >/dev/null
  if [ -d "$src/before" ]; then
    cp -r "$src/before/." "$d/"
    tf "$d" init -input=false -no-color
    tf "$d" apply -auto-approve -input=false -no-color
    find "$d" -maxdepth 1 -name '*.tf' -delete
    rm -rf "$d/mod"
  fi
  cp -r "$src/." "$d/"
  rm -rf "$d/before"
  tf "$d" init -input=false -no-color
  tf "$d" plan -out=plan.bin -input=false -no-color
  terraform -chdir="$d" show -json plan.bin >"$out/$c.plan.json"
  echo "wrote policies/$svc/testdata/$c.plan.json"
done

#!/usr/bin/env bash
# Builds the enclave image (deploy/Dockerfile.enclave) and its EIF with
# nitro-cli, then prints PCR0/1/2. Run from anywhere on a Nitro-enabled
# instance (docker, nitro-cli from aws-nitro-enclaves-cli):
#   deploy/build-eif.sh --models DIR [--tag v1.2.3] [--out DIR] [--port 5000]
# Writes OUT/vinet-enclave.eif, OUT/measurements.json (nitro-cli's output)
# and OUT/pcr0.txt. SOURCE_DATE_EPOCH is the tag's commit time, so two
# builds of one tag give one PCR0 (compare with the release's pcr0.txt).
# --print-args prints the docker build arguments and exits (no docker needed).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
models="" tag="" out="$repo/build/eif" port=5000 print_args=0
while [ $# -gt 0 ]; do
  case "$1" in
    --models) models=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --print-args) print_args=1; shift ;;
    *) echo "build-eif.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$models" ] || { echo "build-eif.sh: --models DIR is required" >&2; exit 2; }
[ -d "$models" ] || { echo "build-eif.sh: --models $models is not a directory" >&2; exit 2; }
case "$port" in ''|*[!0-9]*) echo "build-eif.sh: --port $port is not a number" >&2; exit 2 ;; esac
rev=${tag:-HEAD}
epoch=$(git -C "$repo" log -1 --format=%ct "$rev")
image="vinet-enclave:${tag:-$(git -C "$repo" rev-parse --short=12 "$rev")}"
# The models travel in the build context, under a fixed name.
models_rel=deploy/models
build_args=(
  --build-arg "SOURCE_DATE_EPOCH=$epoch"
  --build-arg "MODELS_DIR=$models_rel"
  --build-arg "ENCLAVE_PORT=$port"
)
if [ "$print_args" = 1 ]; then printf '%s\n' "${build_args[@]}"; exit 0; fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
git -C "$repo" archive "$rev" | tar -x -C "$ctx"
mkdir -p "$ctx/$models_rel"
cp -a "$models"/. "$ctx/$models_rel/"
find "$ctx" -exec touch -h -d "@$epoch" {} +
mkdir -p "$out"
# rewrite-timestamp: layer file times become SOURCE_DATE_EPOCH (BuildKit >= 0.13).
SOURCE_DATE_EPOCH=$epoch docker buildx build "${build_args[@]}" \
  --file "$ctx/deploy/Dockerfile.enclave" --target enclave \
  --output "type=docker,name=$image,rewrite-timestamp=true" "$ctx"
nitro-cli build-enclave --docker-uri "$image" --output-file "$out/vinet-enclave.eif" \
  > "$out/measurements.json"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
m = json.load(open(f"{out}/measurements.json"))["Measurements"]
for k in ("PCR0", "PCR1", "PCR2"):
    print(f"{k} {m[k]}")
open(f"{out}/pcr0.txt", "w").write(m["PCR0"] + "\n")
PY

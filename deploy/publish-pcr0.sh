#!/usr/bin/env bash
# Publishes an enclave image's PCR0 on chain: adds it to the allowlist of each
# model the enclave serves (UpdateModel; only the model's owner may send it).
# An enclave registers (RegisterEnclave) only if its attested PCR0 is in the
# allowlist of every model it serves, so publish before starting the enclave.
#   deploy/publish-pcr0.sh --pcr0 HEX|--measurements FILE --key OWNER.key \
#     --chain http://RPC:26657 [--chain-id ID] MODEL_ID...
# --measurements takes nitro-cli build-enclave's JSON (build-eif.sh's
# measurements.json); --pcr0 a 96-hex-char PCR0 (e.g. the release's pcr0.txt).
# Then prints each model's allowlist as the chain has it.
set -euo pipefail
vinet=${VINET_BIN:-vinet}
pcr0="" measurements="" key="" chain="" chain_id="" models=()
while [ $# -gt 0 ]; do
  case "$1" in
    --pcr0) pcr0=$2; shift 2 ;;
    --measurements) measurements=$2; shift 2 ;;
    --key) key=$2; shift 2 ;;
    --chain) chain=$2; shift 2 ;;
    --chain-id) chain_id=$2; shift 2 ;;
    -*) echo "publish-pcr0.sh: unknown option $1" >&2; exit 2 ;;
    *) models+=("$1"); shift ;;
  esac
done
if [ -n "$measurements" ]; then
  [ -z "$pcr0" ] || { echo "publish-pcr0.sh: give --pcr0 or --measurements, not both" >&2; exit 2; }
  pcr0=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Measurements"]["PCR0"])' \
    "$measurements")
fi
[[ "$pcr0" =~ ^[0-9a-fA-F]{96}$ ]] || {
  echo "publish-pcr0.sh: PCR0 '$pcr0' is not 96 hex chars" >&2; exit 2; }
[ -n "$key" ] && [ -n "$chain" ] || { echo "publish-pcr0.sh: --key and --chain are required" >&2; exit 2; }
[ ${#models[@]} -gt 0 ] || { echo "publish-pcr0.sh: name at least one MODEL_ID" >&2; exit 2; }
chain_args=(--key "$key" --chain "$chain")
[ -z "$chain_id" ] || chain_args+=(--chain-id "$chain_id")
for m in "${models[@]}"; do
  "$vinet" tx update-model "${chain_args[@]}" --model-id "$m" --add-pcr0 "$pcr0"
done
for m in "${models[@]}"; do
  "$vinet" query model "$m" --chain "$chain" --json
done

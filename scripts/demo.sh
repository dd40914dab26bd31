#!/usr/bin/env bash
# The main job: a local network and a signed transfer settling on it (grows
# with each capability). Starts a 4-validator devnet under .vinet/devnet,
# sends a CLI-signed transfer from the funded dev key, shows balances before
# and after and the block height, then stops the devnet (DEMO_KEEP=1 leaves it
# running; stop it later with `vinet devnet down --dir .vinet/devnet`).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH 2>/dev/null || echo /root/go)/bin:$PATH"
VINET=${VINET_BIN:-build/release/src/cli/vinet}
DIR=${DEMO_DIR:-.vinet/devnet}

"$VINET" devnet down --dir "$DIR" >/dev/null 2>&1 || true
if [ "${DEMO_KEEP:-0}" != 1 ]; then
  trap '"$VINET" devnet down --dir "$DIR" >/dev/null 2>&1 || true' EXIT
fi

echo "== starting a 4-validator devnet in $DIR"
"$VINET" devnet up --dir "$DIR" --validators 4 --block-time 500ms
NODE=$("$VINET" devnet status --dir "$DIR" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["validators"][0]["rpc"])')
OTHER=$("$VINET" devnet status --dir "$DIR" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["validators"][3]["rpc"])')
DEV_KEY="$DIR/keys/dev.key"
ALICE_KEY="$DIR/keys/alice.key"
[ -f "$ALICE_KEY" ] || "$VINET" keys new --out "$ALICE_KEY" >/dev/null
DEV=$("$VINET" keys show "$DEV_KEY" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["address"])')
ALICE=$("$VINET" keys show "$ALICE_KEY" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["address"])')

echo "== balances before"
"$VINET" query account "$DEV" --node "$NODE" --json
"$VINET" query account "$ALICE" --node "$NODE" --json

echo "== signed transfer of 1000 from dev to alice (sent to validator 0)"
"$VINET" tx transfer --key "$DEV_KEY" --to "$ALICE" --amount 1000 --node "$NODE" --json

echo "== balances after (read from validator 3)"
"$VINET" query account "$DEV" --node "$OTHER" --json
"$VINET" query account "$ALICE" --node "$OTHER" --json

echo "== validators"
"$VINET" devnet status --dir "$DIR"
if [ "${DEMO_KEEP:-0}" = 1 ]; then
  echo "devnet left running; stop it with: $VINET devnet down --dir $DIR"
else
  echo "stopping the devnet"
fi

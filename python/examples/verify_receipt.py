#!/usr/bin/env python3
"""Check a saved result offline: the outputs you hold against the receipt.

A result saved as JSON {"inference_id", "model_id", "mode", "input_hash", "outputs",
"receipt"} by your application, e.g.

    json.dump({"inference_id": r.inference_id, "model_id": r.model_id, "mode": r.mode,
               "input_hash": r.input_hash.hex(), "outputs": vinet.tensors.to_json(r.output),
               "receipt": r.receipt}, open("saved.json", "w"))

is verified for VANILLA without any network; TEE additionally needs the
enclave's attestation document. Exits 1 when the check fails.

    python3 python/examples/verify_receipt.py saved.json [--attestation DOC --nonce HEX --root PEM]
"""
import argparse
import json

import vinet
from vinet.tensors import from_json


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("saved")
    ap.add_argument("--attestation", help="attestation document (binary)")
    ap.add_argument("--nonce", help="hex nonce the document must carry")
    ap.add_argument("--root", action="append", help="trust root PEM file (default AWS Nitro)")
    args = ap.parse_args()
    with open(args.saved) as f:
        saved = json.load(f)
    roots = []
    for path in args.root or []:
        with open(path) as f:
            roots.append(f.read())
    verifier = vinet.Verifier(roots or None)
    if args.attestation:
        with open(args.attestation, "rb") as f:
            verifier.add_attestation(f.read(), bytes.fromhex(args.nonce) if args.nonce else None)
    try:
        verifier.check(saved["receipt"], from_json(saved["outputs"]),
                       inference_id=saved["inference_id"], model_id=saved["model_id"],
                       mode=saved["mode"].upper(), input_hash=bytes.fromhex(saved["input_hash"]))
    except vinet.VerificationFailed as e:
        raise SystemExit(f"NOT verified: {e}")
    print("verified")


if __name__ == "__main__":
    main()

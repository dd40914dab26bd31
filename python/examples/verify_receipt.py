#!/usr/bin/env python3
"""Check a saved result offline: the outputs you hold against the receipt.

A result saved as JSON {"inference_id", "model_id", "mode", "input_hash", "outputs",
"receipt"} (e.g. by your application) is verified for VANILLA without any
network; TEE additionally needs the enclave's attestation document.

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
    saved = json.load(open(args.saved))
    verifier = vinet.Verifier([open(p).read() for p in args.root] if args.root else None)
    if args.attestation:
        verifier.add_attestation(open(args.attestation, "rb").read(), bytes.fromhex(args.nonce) if args.nonce else None)
    try:
        verifier.check(saved["receipt"], from_json(saved["outputs"]),
                       inference_id=saved["inference_id"], model_id=saved["model_id"],
                       mode=saved["mode"].upper(), input_hash=bytes.fromhex(saved["input_hash"]))
    except vinet.VerificationFailed as e:
        raise SystemExit(f"NOT verified: {e}")
    print("verified")


if __name__ == "__main__":
    main()

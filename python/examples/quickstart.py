#!/usr/bin/env python3
"""One inference in each mode of each tensor model a local devnet serves:
verified locally, then followed to its settlement on chain.

    vinet devnet up --devnet .vinet/devnet --model my_model.onnx
    python3 python/examples/quickstart.py --devnet .vinet/devnet

VANILLA and TEE answers are verified when they arrive (receipt signatures, and
for TEE the enclave's attestation). A ZKML answer arrives before its proof:
its receipt is verified at once and the proof once the node has made it.
"""
import argparse
import os
import time

import numpy as np

import vinet


def run(client: vinet.Client, model: vinet.ModelInfo, mode: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    inputs = {name: rng.standard_normal([max(1, d) for d in shape]).astype(np.float32)
              for name, shape in model.inputs.items()}
    t0 = time.time()
    result = client.infer(model.model_id, inputs, mode=mode)  # receipt verified locally
    answer_ms = result.timings.latency_ms
    settlement = client.wait_settled(result.inference_id, timeout=60)
    if mode == "ZKML":
        result.verify()  # fetches the proof the node made and verifies it locally
    name, out = sorted(result.output.items())[0]
    print(f"{mode:8s} {model.name}: id {result.inference_id[:16]}…  {name} {list(out.shape)}  "
          f"answer {answer_ms:.1f} ms  {settlement.status} at height {settlement.height}, "
          f"trust gap {settlement.trust_gap:.2f} s (total {time.time() - t0:.2f} s)")
    print(f"         {result.verification}")
    if not (result.verified and settlement.settled):
        raise SystemExit(f"{mode} inference {result.inference_id} was not verified and settled")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devnet", default=os.environ.get("VINET_DEVNET", ".vinet/devnet"),
                    help="the devnet directory (default: $VINET_DEVNET or .vinet/devnet)")
    ap.add_argument("--model", action="append", help="a model id (default: every tensor model)")
    args = ap.parse_args()

    count = 0
    with vinet.Client.from_devnet(args.devnet) as client:
        models = [m for m in client.models() if m.kind == "onnx"
                  and (not args.model or m.model_id in args.model)]
        if not models:
            raise SystemExit(f"the devnet in {args.devnet} serves no such tensor model")
        for model in models:
            print(f"model {model.name} ({model.model_id[:16]}…): inputs {model.inputs}, "
                  f"modes {', '.join(model.modes)}")
            for mode in model.modes:
                run(client, model, mode, seed=count)
                count += 1
    print(f"{count} inferences verified and settled")


if __name__ == "__main__":
    main()

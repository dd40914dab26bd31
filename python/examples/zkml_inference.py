#!/usr/bin/env python3
"""ZKML inferences on a devnet: asynchronous (answer at once, proof later) and
inline (the node proves before answering), each proof verified locally
against the verifying key the chain stores for the model.

    python3 python/examples/zkml_inference.py --devnet .vinet/devnet
"""
import argparse
import os
import time

import numpy as np

import vinet


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--devnet", default=os.environ.get("VINET_DEVNET", ".vinet/devnet"),
                   help="the devnet directory (default: $VINET_DEVNET or .vinet/devnet)")
    args = p.parse_args()
    with vinet.Client.from_devnet(args.devnet) as client:
        model = next((m for m in client.models() if "ZKML" in m.modes), None)
        if model is None:
            raise SystemExit(f"the devnet in {args.devnet} serves no ZKML model")
        x = {name: np.linspace(-1, 1, int(np.prod([max(1, d) for d in shape])), dtype=np.float32)
             .reshape([max(1, d) for d in shape]) for name, shape in model.inputs.items()}

        print(f"== ZKML async: model {model.model_id[:16]}…")
        r = client.infer(model.model_id, x, mode="zkml")
        print(f"  result        int8 {list(r.output.values())[0].tolist()}"
              f" (scale {r.output_scale:.4g}; float {[round(float(v), 3) for v in list(r.dequantized().values())[0].ravel()]})")
        print(f"  arrived       {r.timings.latency_ms:.1f} ms after sending (receipt verified; proof pending)")
        s = client.wait_settled(r.inference_id, timeout=60)
        t0 = time.perf_counter()
        r.verify()
        verify_ms = (time.perf_counter() - t0) * 1000
        job = client._node("GET", f"/v1/inferences/{r.inference_id}/proof")
        print(f"  proved        by the node in {job['prove_seconds'] * 1000:.1f} ms "
              f"({len(r.proof)} bytes)")
        print(f"  settled       {s.status} at height {s.height} (proof verified by the validators)")
        print(f"  trust gap     {s.trust_gap * 1000:.0f} ms")
        print(f"  verified      proof locally in {verify_ms:.1f} ms (fetch + verify): "
              f"{r.proof_verified}")

        print("== ZKML inline (wait=\"proof\")")
        t0 = time.perf_counter()
        r2 = client.infer(model.model_id, x, mode="zkml", wait="proof")
        total_ms = (time.perf_counter() - t0) * 1000
        print(f"  answered      with the proof in {r2.timings.latency_ms:.1f} ms; "
              f"with local proof verification {total_ms:.1f} ms: {r2.proof_verified}")
        s2 = client.wait_settled(r2.inference_id, timeout=60)
        print(f"  trust gap     0 ms for the client (the chain still settles it: {s2.status})")
        if not (r.proof_verified and s.settled and r2.proof_verified and s2.settled):
            raise SystemExit("a ZKML inference was not verified and settled")
        print("both ZKML inferences: proofs verified locally, settled on chain")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Run one inference in each mode on a local devnet, verify it, wait for settlement.

    vinet devnet up --devnet .vinet/devnet
    python3 python/examples/quickstart.py --devnet .vinet/devnet
"""
import argparse
import time

import numpy as np

import vinet
from vinet.devnet import devnet_status, devnet_urls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--devnet", default=".vinet/devnet")
    ap.add_argument("--vinet", default="vinet", help="path of the vinet binary")
    args = ap.parse_args()

    urls = devnet_urls(devnet_status(args.devnet, args.vinet))
    client = vinet.Client(urls["node_url"], urls["chain_url"], vinet.Key.from_file(urls["dev_key"]),
                          roots=vinet.devnet_roots(args.devnet))
    model = client.models()[0]
    print(f"model {model.name} ({model.model_id[:16]}…), inputs {model.inputs}, modes {model.modes}")
    inputs = {name: np.random.default_rng(0).standard_normal([max(1, d) for d in shape])
              .astype(np.float32) for name, shape in model.inputs.items()}
    for mode in model.modes:
        t0 = time.time()
        result = client.infer(model.model_id, inputs, mode=mode)  # verified locally
        settlement = client.wait_settled(result.inference_id, timeout=30)
        name, out = sorted(result.output.items())[0]
        print(f"{mode:8s} id {result.inference_id[:16]}…  {name} {out.shape} "
              f"answer {result.timings.latency_ms:.1f} ms, verified "
              f"+{result.timings.verified_ms - result.timings.received_ms:.2f} ms, "
              f"{settlement.status} at height {settlement.height}, trust gap "
              f"{settlement.trust_gap:.2f} s (total {time.time() - t0:.2f} s)")


if __name__ == "__main__":
    main()

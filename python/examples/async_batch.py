#!/usr/bin/env python3
"""Many TEE inferences at once with AsyncClient, each verified and waited to
settlement.

    python3 python/examples/async_batch.py --devnet .vinet/devnet --count 20
"""
import argparse
import asyncio
import os
import statistics
import time

import numpy as np

import vinet


async def run(args: argparse.Namespace) -> None:
    async with vinet.AsyncClient.from_devnet(args.devnet) as client:
        model = next((m for m in await client.models() if "TEE" in m.modes), None)
        if model is None:
            raise SystemExit(f"the devnet in {args.devnet} serves no TEE model")
        rng = np.random.default_rng(1)

        async def one() -> vinet.Result:
            inputs = {n: rng.standard_normal([max(1, d) for d in s]).astype(np.float32)
                      for n, s in model.inputs.items()}
            return await client.infer(model.model_id, inputs, mode="tee", wait="settled",
                                      timeout=60)

        t0 = time.perf_counter()
        results = await asyncio.gather(*[one() for _ in range(args.count)])
        seconds = time.perf_counter() - t0
    settled = [r for r in results if r.verified and r.settlement.settled]
    gaps = sorted(r.settlement.trust_gap for r in settled)
    print(f"{len(settled)}/{len(results)} verified and settled in {seconds:.2f} s on "
          f"{model.name}; trust gap p50 {statistics.median(gaps):.2f} s, max {gaps[-1]:.2f} s")
    if len(settled) != len(results):
        raise SystemExit("some inferences were not verified and settled")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devnet", default=os.environ.get("VINET_DEVNET", ".vinet/devnet"),
                    help="the devnet directory (default: $VINET_DEVNET or .vinet/devnet)")
    ap.add_argument("--count", type=int, default=20)
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()

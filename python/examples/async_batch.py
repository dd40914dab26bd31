#!/usr/bin/env python3
"""Many TEE inferences at once with AsyncClient, each waited to settlement.

    python3 python/examples/async_batch.py --devnet .vinet/devnet --count 20
"""
import argparse
import asyncio
import statistics

import numpy as np

import vinet
from vinet.devnet import devnet_status, devnet_urls


async def run(args: argparse.Namespace) -> None:
    urls = devnet_urls(devnet_status(args.devnet, args.vinet))
    async with vinet.AsyncClient(urls["node_url"], urls["chain_url"], urls["dev_key"],
                                 roots=vinet.devnet_roots(args.devnet)) as client:
        model = (await client.models())[0]
        rng = np.random.default_rng(1)

        async def one() -> vinet.Result:
            inputs = {n: rng.standard_normal([max(1, d) for d in s]).astype(np.float32)
                      for n, s in model.inputs.items()}
            return await client.infer(model.model_id, inputs, mode="tee", wait="settled")

        results = await asyncio.gather(*[one() for _ in range(args.count)])
    gaps = sorted(r.settlement.trust_gap for r in results)
    print(f"{len(results)} settled; trust gap p50 {statistics.median(gaps):.2f} s, "
          f"max {gaps[-1]:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--devnet", default=".vinet/devnet")
    ap.add_argument("--vinet", default="vinet")
    ap.add_argument("--count", type=int, default=20)
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()

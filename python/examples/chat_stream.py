#!/usr/bin/env python3
"""A streamed, verified LLM chat on a devnet: tokens as their signed chunks
verify, time to first token, tokens/s, the receipt's checks, settlement on
chain (fee and trust gap) and a local replay of the answer on the same GGUF.

    vinet devnet up --devnet .vinet/devnet --model SmolLM2.gguf
    python3 python/examples/chat_stream.py --devnet .vinet/devnet --model SmolLM2.gguf
"""
import argparse
import os
import time

import vinet


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--devnet", default=os.environ.get("VINET_DEVNET", ".vinet/devnet"),
                   help="the devnet directory (default: $VINET_DEVNET or .vinet/devnet)")
    p.add_argument("--model", required=True, help="the GGUF file the devnet serves (for the replay)")
    p.add_argument("--mode", default="tee")
    p.add_argument("--prompt", default="What is the capital of Japan?")
    p.add_argument("--max-tokens", type=int, default=64)
    p.add_argument("--temperature", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=42)
    args = p.parse_args()
    with vinet.Client.from_devnet(args.devnet) as client:
        model = next((m for m in client.models() if m.kind == "llm"), None)
        if model is None:
            raise SystemExit(f"the devnet in {args.devnet} serves no LLM (devnet up --model X.gguf)")
        print(f"  user          {args.prompt}")
        print("  assistant     ", end="", flush=True)
        stream = client.chat(model.model_id, [{"role": "user", "content": args.prompt}],
                             stream=True, mode=args.mode, max_tokens=args.max_tokens,
                             temperature=args.temperature, seed=args.seed)
        for chunk in stream:
            print(chunk.text, end="", flush=True)
        r = stream.result
        print()
        signer = (f"the attested enclave {r.receipt['enclave_key'][:16]}… and the node"
                  if r.mode == "TEE" else "the node")
        print(f"  first token   {r.timings.time_to_first_token * 1000:.0f} ms after sending")
        print(f"  speed         {r.tokens_per_second or 0:.1f} tokens/s "
              f"({r.usage['completion_tokens']} tokens, {r.chunks} signed chunks)")
        print(f"  verified      every chunk (running hash, signature) and the receipt, "
              f"signed by {signer} ({r.mode})")
        s = client.wait_settled(r.inference_id, timeout=60)
        print(f"  settled       {s.status} at height {s.height}, fee {s.fee} "
              f"(= the chain's prices × {r.usage['prompt_tokens']} prompt + "
              f"{r.usage['completion_tokens']} completion tokens)")
        print(f"  trust gap     {s.trust_gap * 1000:.0f} ms")
        t0 = time.perf_counter()
        replayed = r.replay(args.model)
        print(f"  replay        local engine in {time.perf_counter() - t0:.2f} s: tokens_hash "
              f"{replayed.tokens_hash[:16]}… text_hash {replayed.text_hash[:16]}… match the receipt")


if __name__ == "__main__":
    main()

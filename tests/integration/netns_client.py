"""The client of the namespace tests, run inside its own namespace
(`ip netns exec NS python3 netns_client.py ...`): sends COUNT VANILLA
inferences of the demo model to the node, one after another, and prints one
JSON line: {"accepted": [inference ids answered 200 with a receipt],
"refused": [[status, body], ...]}. Asserts nothing; the test does.
"""
import argparse
import json
import os
import sys

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from node_helpers import Key, NodeApi, f32  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--node", required=True)
    p.add_argument("--chain-id", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--count", type=int, default=5)
    args = p.parse_args()
    api = NodeApi(args.node, args.chain_id)
    key = Key.from_file(args.key)
    accepted, refused = [], []
    for k in range(args.count):
        x = [0.01 * k + 0.1 * i - 0.8 for i in range(16)]
        try:
            code, body, inference_id = api.infer(key, args.model, f32("x", [1, 16], x))
        except requests.RequestException as e:
            refused.append([0, str(e)])
            continue
        if code == 200:
            accepted.append(inference_id)
        else:
            refused.append([code, body])
    print(json.dumps({"accepted": accepted, "refused": refused}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""SDK local verification time, attestation cached (budget: <= 1 ms).

Starts a real `vinet enclave start` (emulator, dev CA in a temp dir; the echo
runner until the runtime is plugged into the enclave), asks it for an
attestation document with a fresh nonce and for a TEE receipt, co-signs the
receipt as a node, then times `Result.verify()`'s work: vinet.Verifier.check
with the attestation cached (output hash + enclave + node signatures in the
native core, plus the SDK's Python glue). VANILLA receipts are timed too.

    VINET_BIN=build/release/src/cli/vinet python3 bench/sdk/verify_bench.py [--n 2000] [--elements 1000]
"""
import argparse
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))
from vinet import Verifier  # noqa: E402
from vinet._native_loader import protocol  # noqa: E402
from vinet.tensors import as_tensors, from_json, tensors_hash  # noqa: E402

VINET = os.environ.get("VINET_BIN", os.path.join(ROOT, "build/release/src/cli/vinet"))


def call(sock_path, request):
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(sock_path)
        data = json.dumps(request).encode()
        s.sendall(struct.pack(">I", len(data)) + data)
        n = struct.unpack(">I", s.recv(4, socket.MSG_WAITALL))[0]
        reply = json.loads(s.recv(n, socket.MSG_WAITALL))
    if not reply.get("ok"):
        raise RuntimeError(reply)
    return reply


def write_model(models_dir, n):
    """A Relu over [1, n] floats, stored as <model id>.onnx like the node's model store."""
    import onnx
    from onnx import TensorProto, helper
    from vinet._native_loader import _native
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "bench",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, n])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, n])])
    data = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]).SerializeToString()
    model_id = _native.Model.from_bytes(data).id
    with open(os.path.join(models_dir, model_id + ".onnx"), "wb") as f:
        f.write(data)
    return model_id


def timed(fn, n):
    for _ in range(min(100, n)):
        fn()
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(0.99 * (len(samples) - 1))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--elements", type=int, default=1000, help="f32 output elements")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        models = os.path.join(tmp, "models")
        os.makedirs(models)
        model_id = write_model(models, args.elements)
        sock = os.path.join(tmp, "enclave.sock")
        proc = subprocess.Popen([VINET, "enclave", "start", "--socket", sock, "--models", models,
                                 "--ca-dir", os.path.join(tmp, "ca")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                if os.path.exists(sock):
                    break
                time.sleep(0.05)
            node = protocol.Key.generate()
            x = {"x": np.random.default_rng(1).standard_normal((1, args.elements)).astype(np.float32)}
            iid = os.urandom(32)
            inputs = [{"name": n, "dtype": d, "shape": s, "data": b.hex()}
                      for n, d, s, b in as_tensors(x)]
            receipt = call(sock, {"method": "infer", "inference_id": iid.hex(),
                                  "node_id": node.public_key.hex(), "model_id": model_id,
                                  "inputs": inputs})["receipt"]
            receipt = json.loads(protocol.sign_as_node(json.dumps(receipt), node))
            nonce = os.urandom(32)
            doc = bytes.fromhex(call(sock, {"method": "attest", "nonce": nonce.hex()})["document"])
            verifier = Verifier([open(os.path.join(tmp, "ca", "root.pem")).read()])
            t = time.perf_counter()
            verifier.add_attestation(doc, nonce, bytes.fromhex(receipt["enclave_key"]))
            attest_ms = (time.perf_counter() - t) * 1e3
            outputs = from_json(receipt["outputs"])
            input_hash = tensors_hash(x)
            tee_p50, tee_p99 = timed(lambda: verifier.check(
                receipt, outputs, inference_id=iid.hex(), model_id=model_id, mode="TEE",
                input_hash=input_hash), args.n)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    outs = {"y": np.ones(args.elements, np.float32)}
    vanilla = json.loads(protocol.make_receipt(iid, model_id, 0, input_hash, as_tensors(outs), node))
    van_p50, van_p99 = timed(lambda: verifier.check(
        vanilla, outs, inference_id=iid.hex(), model_id=model_id, mode="VANILLA",
        input_hash=input_hash), args.n)
    print(f"outputs: {len(outputs)} tensor(s), {args.elements} f32 elements; n={args.n}")
    print(f"attestation verify (first use, then cached): {attest_ms:.2f} ms")
    print(f"TEE receipt verify, attestation cached: p50 {tee_p50:.0f} us, p99 {tee_p99:.0f} us")
    print(f"VANILLA receipt verify:                 p50 {van_p50:.0f} us, p99 {van_p99:.0f} us")


if __name__ == "__main__":
    main()

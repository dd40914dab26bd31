"""Helpers for the SDK integration tests: a vinet.Client wired to the session's
devnet (its inference node, validator 0's RPC, the funded dev key and the dev
CA root its genesis trusts), and inputs that fit a model. Nothing here asserts."""
import numpy as np
import pytest

try:
    import vinet
except ImportError:  # reported by sdk_env
    vinet = None


def sdk_env(devnet):
    """(node_url, chain_url, dev_key_path, roots) of the running devnet."""
    if vinet is None or not hasattr(vinet, "Client"):
        pytest.fail("the vinet SDK is not installed: pip install ./python (docs/sdk.md)")
    status = devnet.status()
    urls = vinet.devnet.devnet_urls(status)
    if not urls["node_url"]:
        pytest.fail("`vinet devnet status --json` reports no inference node (\"node\": {\"url\"})")
    return urls["node_url"], urls["chain_url"], urls["dev_key"], vinet.devnet_roots(devnet.dir)


def make_client(devnet, key=None, cls=None, **kw):
    node_url, chain_url, dev_key, roots = sdk_env(devnet)
    cls = cls or vinet.Client
    return cls(node_url, chain_url, key or vinet.Key.from_file(dev_key), roots=roots, **kw)


def model_with(models, *modes):
    for m in models:
        if all(mode in m.modes for mode in modes):
            return m
    pytest.fail(f"the devnet's node serves no model with modes {modes}: {models}")


def inputs_for(model, seed=0):
    rng = np.random.default_rng(seed)
    return {name: rng.standard_normal([d if d > 0 else 1 for d in shape]).astype(np.float32)
            for name, shape in model.inputs.items()}


def wrong_shape_inputs(model):
    return {name: np.zeros([max(1, d) + 3 for d in shape] + [2], dtype=np.float32)
            for name, shape in model.inputs.items()}


# ---------------------------------------------------------------- a bare enclave emulator

def write_relu_model(models_dir, n):
    """A Relu over [1, n] floats stored as <model id>.onnx (the node's store layout)."""
    import os

    from onnx import TensorProto, helper
    from vinet._native_loader import _native
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "relu",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, n])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, n])])
    data = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]).SerializeToString()
    model_id = _native.Model.from_bytes(data).id
    with open(os.path.join(str(models_dir), model_id + ".onnx"), "wb") as f:
        f.write(data)
    return model_id


class Enclave:
    """`vinet enclave start` (emulator) on a unix socket; stopped by close()."""

    def __init__(self, vinet_bin, directory, n=8):
        import os
        import subprocess
        import time
        self.dir = str(directory)
        models = os.path.join(self.dir, "models")
        os.makedirs(models, exist_ok=True)
        self.model_id = write_relu_model(models, n)
        self.socket = os.path.join(self.dir, "enclave.sock")
        self.ca_dir = os.path.join(self.dir, "ca")
        self.proc = subprocess.Popen([vinet_bin, "enclave", "start", "--socket", self.socket,
                                      "--models", models, "--ca-dir", self.ca_dir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None or time.time() > deadline:
                self.close()
                raise RuntimeError("vinet enclave did not start")
            time.sleep(0.05)

    def root_pem(self):
        import os
        with open(os.path.join(self.ca_dir, "root.pem")) as f:
            return f.read()

    def call(self, request):
        import json
        import socket
        import struct
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(30)
            s.connect(self.socket)
            data = json.dumps(request).encode()
            s.sendall(struct.pack(">I", len(data)) + data)
            n = struct.unpack(">I", s.recv(4, socket.MSG_WAITALL))[0]
            return json.loads(s.recv(n, socket.MSG_WAITALL))

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except Exception:
                self.proc.kill()
                self.proc.wait()

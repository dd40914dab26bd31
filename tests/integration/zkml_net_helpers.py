"""Helpers for the ZKML network tests: a devnet whose inference node serves the
ZKML demo MLP (scripts/make_demo_model.py --zkml), optionally byzantine, and
SDK clients for it. Nothing here asserts; tests do."""
import json
import os
import subprocess
import time

import numpy as np

from devnet import ROOT, Devnet, reap, vinet


# `devnet up` key flags and genesis params of a zero-knowledge model (kind 7:
# hiding Basefold, conjectured regime; the chain opts in to conjectured keys).
KIND7_FLAGS = ["--zkml-private-weights", "--zkml-regime", "conjectured"]
KIND7_PARAMS = ["allow_conjectured_zkml_keys=true"]


class ZkmlDevnet(Devnet):
    """`vinet devnet up` with the ZKML demo model, genesis params and node flags."""

    def __init__(self, directory, validators=1, block_time="300ms", params=(), byzantine=None,
                 prover_threads=1, zkml_key=()):
        super().__init__(directory, validators, block_time)
        self.params = list(params)
        self.zkml_key = list(zkml_key)  # `devnet up` key flags, e.g. --zkml-private-weights
        self.byzantine = byzantine
        self.prover_threads = prover_threads

    def up(self):
        model = self.dir + "-zkml_mlp.onnx"
        subprocess.run(["python3", os.path.join(ROOT, "scripts/make_demo_model.py"), "--zkml",
                        model], check=True)
        args = ["devnet", "up", "--devnet", self.dir, "--validators", self.validators,
                "--block-time", self.block_time, "--timeout", 90, "--model", model,
                "--prover-threads", self.prover_threads]
        for p in self.params:
            args += ["--param", p]
        if self.byzantine:
            args += ["--byzantine", self.byzantine]
        args += self.zkml_key
        vinet(*args)
        self.state = self.status()
        return self

    def all_pids(self):
        from devnet import node_and_enclave_pids
        return super().all_pids() + node_and_enclave_pids(self.dir)

    @property
    def model_id(self):
        return self.state["zkml_models"][0]

    @property
    def node_url(self):
        return self.state["node"]["url"]

    @property
    def node_key(self):
        return self.state["node"]["key"]

    @property
    def node_address(self):
        return self.state["node"]["address"]

    def node_pid(self):
        return self.status()["node"]["pid"]

    def kill_node(self, pid=None):
        """SIGKILL the node; `pid` (node_pid(), read beforehand) makes the kill
        immediate: reading the status is a CLI call of its own."""
        pid = pid or self.node_pid()
        os.kill(pid, 9)
        time.sleep(0.2)
        reap([pid])

    def restart_node(self):
        old = self.all_pids()
        vinet("devnet", "restart-node", "--devnet", self.dir)
        reap(old)
        self.state = self.status()

    def claim(self, inference_id):
        code, value, _ = self.query(0, "claim", inference_id)
        return value if code == 0 else None

    def wait_claim(self, inference_id, statuses, timeout=60):
        deadline = time.time() + timeout
        claim = None
        while time.time() < deadline:
            claim = self.claim(inference_id)
            if claim and claim.get("status") in statuses:
                return claim
            time.sleep(0.2)
        return claim

    def stake(self):
        code, value, _ = self.query(0, "node", self.node_address)
        return value.get("stake", 0) if code == 0 else None

    def balance(self, address):
        code, value, _ = self.query(0, "account", address)
        return value.get("balance", 0) if code == 0 else 0


def zk_client(net):
    import vinet as sdk
    return sdk.Client(net.node_url, net.rpc_url(0), sdk.Key.from_file(net.dev_key),
                      roots=sdk.devnet_roots(net.dir))


def zk_input(seed):
    rng = np.random.default_rng(seed)
    return {"x": rng.standard_normal((1, 16)).astype(np.float32)}


def encode_inputs(inputs):
    """Canonical tensor encoding (what SubmitProofs carries) of float inputs."""
    from vinet._native_loader import protocol
    return protocol.encode_tensors([(k, "f32", list(v.shape), np.ascontiguousarray(v, "<f4").tobytes())
                                    for k, v in sorted(inputs.items())])

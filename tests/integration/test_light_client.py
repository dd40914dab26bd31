"""Verified settlement on a real devnet: the light client and the claim's Merkle
proof, against honest RPCs, a lying RPC proxy (light_proxy.py) and CometBFT's
own light client (`cometbft light`, same version) as the reference; app-hash
certificates (signatures of > 2/3 of H's voting power) with one and with two
validators whose apps sign a wrong app hash.

Bounded: one vanilla inference, then each case re-proves the same settlement
through a fresh client (a light client from genesis to the current height,
with skipping) in well under a second, except the non-existent-height case,
which waits 5 s for a header that never comes. ~30 s with the devnet already up.
"""
import base64
import json
import os
import shutil
import subprocess
import time

import pytest
import requests

from attack_helpers import wait_claim
from devnet import vinet as run_vinet
from light_proxy import FUTURE, LyingRpc, free_port
from sdk_helpers import inputs_for, make_client, model_with, vinet

SETTLE_TIMEOUT = 30


def genesis_file(devnet):
    return os.path.join(devnet.home(0), "config", "genesis.json")


@pytest.fixture(scope="module")
def settled(devnet):
    """An inference settled on chain (proven through the honest RPC)."""
    with make_client(devnet, trust=genesis_file(devnet),
                     witnesses=[devnet.rpc_url(1), devnet.rpc_url(2)]) as c:
        model = model_with(c.models(), "VANILLA")
        result = c.infer(model.model_id, inputs_for(model, 7), mode="vanilla")
        wait_claim(devnet, result.inference_id)
        settlement = c.wait_settled(result.inference_id, timeout=SETTLE_TIMEOUT)
        return result.inference_id, settlement


def liar_client(devnet, proxy, **kw):
    """A client whose primary chain RPC is the proxy; witnesses are honest validators."""
    kw.setdefault("trust", genesis_file(devnet))
    kw.setdefault("witnesses", [devnet.rpc_url(1)])
    c = make_client(devnet, **kw)
    c.chain_url = proxy.url
    c.prover = vinet.settlement_proof.SettlementProver([proxy.url, *kw["witnesses"]], kw["trust"])
    return c


def test_honest_path_is_proven(devnet, settled):
    iid, s = settled
    assert s.status == "SETTLED" and s.proof_verified
    assert s.proven_height >= s.height > 0 and len(s.app_hash) == 64
    # Validators 0-2 (3 of 4 voting power) signed the app hash: no wait for header H+1.
    assert s.certified
    # The app hash is the one in the header CometBFT serves for proven_height + 1.
    devnet.wait_height(3, s.proven_height + 1)
    header = requests.get(f"{devnet.rpc_url(3)}/commit", params={"height": s.proven_height + 1},
                          timeout=5).json()["result"]["signed_header"]["header"]
    assert header["app_hash"].lower() == s.app_hash


def test_async_client_proves_too(devnet, settled):
    import asyncio
    iid, _ = settled

    async def run():
        async with make_client(devnet, cls=vinet.AsyncClient, trust=genesis_file(devnet)) as c:
            return await c.wait_settled(iid, timeout=SETTLE_TIMEOUT)

    s = asyncio.run(run())
    assert s.status == "SETTLED" and s.proof_verified


def app_hash_sig(devnet, i, height):
    value = devnet.rpc(i, "abci_query", path=f"/app_hash_sig/{height}")["response"]["value"]
    return json.loads(base64.b64decode(value)) if value else None


def settle_one(devnet, c, seed):
    model = model_with(c.models(), "VANILLA")
    result = c.infer(model.model_id, inputs_for(model, seed), mode="vanilla")
    return c.wait_settled(result.inference_id, timeout=SETTLE_TIMEOUT)


def test_app_hash_certificate_with_hostile_signers(devnet):
    """Validators whose apps sign a wrong app hash (VINET_TEST_WRONG_APP_HASH_SIG):
    one (1/4 of the power) is outvoted, two (each side 1/2) are refused."""
    signers = [devnet.rpc_url(i) for i in range(4)]
    hostile = []
    try:
        for i in (3, 2):
            devnet.restart(i, env={"VINET_TEST_WRONG_APP_HASH_SIG": "1"})
            hostile.append(i)
            devnet.wait_height(i, devnet.height(0) + 1)
            if len(hostile) == 1:
                with make_client(devnet, trust=genesis_file(devnet), signers=signers) as c:
                    s = settle_one(devnet, c, 11)
                assert s.status == "SETTLED" and s.proof_verified and s.certified, s
                honest, liar = app_hash_sig(devnet, 0, s.proven_height), \
                    app_hash_sig(devnet, 3, s.proven_height)
                assert honest["app_hash"] == s.app_hash and liar["app_hash"] != s.app_hash
        with make_client(devnet, trust=genesis_file(devnet), signers=signers) as c:
            with pytest.raises(vinet.VerificationFailed) as err:
                settle_one(devnet, c, 12)
        assert "conflicting app hashes" in str(err.value), str(err.value)
    finally:
        for i in hostile:
            devnet.restart(i)


@pytest.mark.parametrize("mode, expect", [
    ("flip_reported", "the chain RPC reported REJECTED, but the proven claim"),
    ("flip_proven", "proof does not verify against the app hash"),
    ("truncate_proof", "proof does not verify against the app hash"),
    ("minority", "need more than"),
    ("app_hash", "but the header served hashes to"),
    ("future_height", f"header {FUTURE + 1}"),
])
def test_lying_rpc_is_refused(devnet, settled, mode, expect):
    iid, _ = settled
    with LyingRpc(devnet.rpc_url(0)) as proxy:
        proxy.mode = mode
        proxy.from_height = 1  # the genesis root stays honest; every later header lies
        with liar_client(devnet, proxy) as c:
            with pytest.raises(vinet.VerificationFailed) as err:
                c.wait_settled(iid, timeout=10)
    assert expect in str(err.value), str(err.value)
    assert err.value.inference_id == iid
    if mode == "flip_reported":
        assert "is SETTLED" in str(err.value)


def test_witness_with_another_header_is_an_attack(devnet, settled):
    iid, _ = settled
    with LyingRpc(devnet.rpc_url(1)) as witness:
        witness.mode = "app_hash"
        witness.from_height = 1
        with make_client(devnet, trust=genesis_file(devnet), witnesses=[witness.url]) as c:
            with pytest.raises(vinet.VerificationFailed) as err:
                c.wait_settled(iid, timeout=10)
    text = str(err.value)
    assert "conflicting headers at height" in text and witness.url in text, text
    # Both headers' hashes are named: the primary's is the real one.
    height = int(text.split("conflicting headers at height ")[1].split(":")[0])
    real = requests.get(f"{devnet.rpc_url(2)}/block", params={"height": height},
                        timeout=5).json()["result"]["block_id"]["hash"].lower()
    assert real in text


def test_cli_prints_the_verified_path(devnet, settled):
    iid, _ = settled
    out = run_vinet("query", "claim", iid, "--prove", "--chain", devnet.rpc_url(0),
                "--witness", devnet.rpc_url(2), "--genesis", genesis_file(devnet), "--json")
    doc = json.loads(out.stdout)
    assert doc["status"] == "SETTLED" and doc["proof_verified"] is True
    assert doc["header_height"] == doc["proven_height"] + 1
    text = run_vinet("query", "claim", iid, "--prove", "--chain", devnet.rpc_url(0),
                 "--genesis", genesis_file(devnet)).stdout
    assert "SETTLED" in text and "Merkle proof" in text and "light client" in text
    with LyingRpc(devnet.rpc_url(0)) as proxy:
        proxy.mode, proxy.from_height = "minority", 1
        bad = run_vinet("query", "claim", iid, "--prove", "--chain", proxy.url,
                    "--genesis", genesis_file(devnet), check=False)
    assert bad.returncode != 0 and "need more than" in bad.stderr + bad.stdout


# ---------------------------------------------------------------- CometBFT's light client

def cometbft_bin():
    path = shutil.which("cometbft")
    if not path:
        pytest.fail("cometbft not in PATH")
    return path


class CometLight:
    """`cometbft light` serving its verified RPC on a free port."""

    def __init__(self, tmp_path, chain_id, primary, witnesses, trusted_hash):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [cometbft_bin(), "light", chain_id, "-p", primary, "-w", ",".join(witnesses),
             "--height", "1", "--hash", trusted_hash, "--laddr", f"tcp://127.0.0.1:{self.port}",
             "--home-dir", str(tmp_path), "--log_level", "error"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                requests.get(self.url + "/health", timeout=1)
                return
            except requests.RequestException:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stdout.read().decode())
                time.sleep(0.2)
        self.close()
        raise RuntimeError("cometbft light did not start")

    def commit(self, height):
        return requests.get(self.url + "/commit", params={"height": height}, timeout=20).json()

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def test_same_headers_as_cometbft_light(devnet, settled, tmp_path):
    chain_id = devnet.chain_id
    h1 = requests.get(f"{devnet.rpc_url(0)}/block", params={"height": 1},
                      timeout=5).json()["result"]["block_id"]["hash"]
    ours = vinet.settlement_proof.SettlementProver(
        [devnet.rpc_url(0), devnet.rpc_url(1)], genesis_file(devnet)).light_client()
    latest = ours.verify_height(0)["height"]
    theirs = CometLight(tmp_path / "honest", chain_id, devnet.rpc_url(0), [devnet.rpc_url(1)], h1)
    try:
        for h in sorted({2, 3, latest // 2, latest - 1, latest}):
            mine = ours.verify_height(h)
            answer = theirs.commit(h)
            assert "result" in answer, answer
            assert answer["result"]["signed_header"]["commit"]["block_id"]["hash"].lower() \
                == mine["hash"], h
    finally:
        theirs.close()
    # Through a proxy serving minority-signed headers both refuse the same height.
    with LyingRpc(devnet.rpc_url(0)) as proxy:
        proxy.mode, proxy.from_height = "minority", latest - 1
        liar = CometLight(tmp_path / "liar", chain_id, proxy.url, [devnet.rpc_url(1)], h1)
        try:
            # CometBFT either refuses or, having dropped the lying primary, serves
            # the witness's header: never the minority-signed one.
            answer = liar.commit(latest)
            if "error" not in answer:
                sigs = answer["result"]["signed_header"]["commit"]["signatures"]
                assert sum(1 for x in sigs if x["block_id_flag"] == 2) > 1, answer
        finally:
            liar.close()
        ours = vinet.settlement_proof.SettlementProver(
            [proxy.url, devnet.rpc_url(1)], genesis_file(devnet)).light_client()
        with pytest.raises(vinet._native_loader.light.LightError, match="need more than"):
            ours.verify_height(latest)

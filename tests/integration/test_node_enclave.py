"""Enclave registration on the devnet: the node registers its own enclave
(PCR0 allowlisted by the model); a document from an enclave whose PCR0 is not
in the model's allowlist cannot register, even with a fresh, correctly bound
nonce and the devnet's own dev CA."""
import hashlib
import os
import shutil
import struct
import time

from devnet import pb_bytes, pb_uint, tx_body, vinet


def test_node_enclave_registered_and_foreign_pcr0_rejected(devnet, tmp_path):
    st = devnet.status()
    # The node registers its enclave on its own, within a few blocks of start.
    deadline = time.time() + 30
    code, enclave, _ = devnet.query(0, "enclave", st["enclave"]["key"])
    while code != 0 and time.time() < deadline:
        time.sleep(0.3)
        code, enclave, _ = devnet.query(0, "enclave", st["enclave"]["key"])
    assert code == 0 and enclave["pcr0"] == st["enclave"]["pcr0"]
    assert enclave["node"] == st["node"]["address"]
    assert enclave["expires_time_ms"] > time.time() * 1000
    # A different image: the same models plus one more file changes PCR0.
    models = tmp_path / "models"
    shutil.copytree(os.path.join(devnet.dir, "models"), models)
    (models / "extra.bin").write_bytes(b"not in the allowlist")
    node_pub = bytes.fromhex(devnet.query(0, "node", st["node"]["address"])[1]["public_key"])
    h = devnet.height(0)
    nonce = hashlib.sha256(b"vinet.enclave.v1\0" + devnet.chain_id.encode() + node_pub
                           + struct.pack(">Q", h)).digest()
    doc = tmp_path / "doc.cbor"
    vinet("enclave", "attest", "--nonce", nonce.hex(), "--out", doc, "--models", models,
          "--ca-dir", os.path.join(devnet.dir, "dev-ca"))
    msg = pb_bytes(1, doc.read_bytes()) + pb_bytes(2, st["models"][0].encode()) + pb_uint(3, h)
    account = devnet.account(0, st["node"]["address"])
    # The fee covers the schedule's per-KiB part (the document is a few KiB).
    body = tx_body(devnet.chain_id, account["nonce"], 1000, 14, msg)
    res = devnet.broadcast(0, devnet.sign_raw(st["node"]["key"], body))
    if res["code"] == 0:
        deadline = time.time() + 20
        found = None
        while time.time() < deadline and found is None:
            try:
                found = devnet.find_tx(0, res["hash"])
            except RuntimeError:
                time.sleep(0.3)
        assert found is not None and found["tx_result"]["code"] != 0
        log = found["tx_result"]["log"]
    else:
        log = res["log"]
    assert "PCR0" in log and "not allowed by model" in log, log

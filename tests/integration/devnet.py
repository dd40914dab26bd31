"""Helpers for integration tests: drive `vinet` and a devnet's CometBFT RPC.

Everything goes through real processes: the `vinet` CLI (path from $VINET_BIN)
and the devnet it starts. Nothing here asserts; tests do.
"""
import base64
import ctypes
import json
import os
import signal
import subprocess
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VINET = os.environ.get("VINET_BIN", os.path.join(ROOT, "build/release/src/cli/vinet"))


def become_subreaper():
    """Orphaned devnet processes are re-parented to us, so we can reap them."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except OSError:
        pass


def reap(pids):
    for pid in pids:
        if pid:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


def vinet(*args, env=None, check=True, timeout=120):
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([VINET, *map(str, args)], capture_output=True, text=True,
                          env=full_env, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"vinet {' '.join(map(str, args))} failed ({proc.returncode}):\n"
                           f"{proc.stdout}\n{proc.stderr}")
    return proc


def vinet_json(*args, **kw):
    return json.loads(vinet(*args, **kw).stdout)


# ---------------------------------------------------------------- protobuf (test encoder)

def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_bytes(field, data):
    return _varint(field << 3 | 2) + _varint(len(data)) + data


def pb_uint(field, n):
    return _varint(field << 3) + _varint(n)


def tx_body(chain_id, nonce, fee, msg_field, msg_bytes):
    return (pb_bytes(1, chain_id.encode()) + pb_uint(2, nonce) + pb_uint(3, fee)
            + pb_bytes(msg_field, msg_bytes))


# ---------------------------------------------------------------- devnet

class Devnet:
    def __init__(self, directory, validators=4, block_time="400ms"):
        self.dir = str(directory)
        self.validators = validators
        self.block_time = block_time
        self.state = None

    def up(self):
        vinet("devnet", "up", "--devnet", self.dir, "--validators", self.validators,
              "--block-time", self.block_time, "--timeout", 90)
        self.state = self.status()
        return self

    def down(self):
        pids = self.all_pids()
        vinet("devnet", "down", "--devnet", self.dir, check=False)
        reap(pids)

    def all_pids(self):
        """The validators' app and CometBFT pids."""
        try:
            with open(os.path.join(self.dir, "devnet.json")) as f:
                st = json.load(f)
        except OSError:
            return []
        return [v.get(k, 0) for v in st["validators"] for k in ("app_pid", "comet_pid")]

    def status(self):
        return vinet_json("devnet", "status", "--devnet", self.dir, "--json")

    def restart(self, i, env=None):
        old = self.all_pids()
        vinet("devnet", "restart", i, "--devnet", self.dir, env=env)
        reap(old)
        self.state = self.status()

    @property
    def chain_id(self):
        return self.state["chain_id"]

    @property
    def dev_key(self):
        return self.state["dev_key"]

    @property
    def dev_address(self):
        return self.state["dev_address"]

    def rpc_url(self, i):
        return self.state["validators"][i]["rpc"]

    def pid(self, i, which):
        return self.status()["validators"][i][f"{which}_pid"]

    def home(self, i):
        return self.state["validators"][i]["home"]

    def signal(self, i, which, sig):
        pid = self.pid(i, which)
        os.kill(pid, sig)
        if sig == signal.SIGKILL:
            time.sleep(0.2)
            reap([pid])
        return pid

    # ---- RPC
    def rpc(self, i, method, timeout=5, **params):
        r = requests.post(self.rpc_url(i), json={"jsonrpc": "2.0", "id": 1, "method": method,
                                                  "params": params}, timeout=timeout)
        doc = r.json()
        if "error" in doc:
            raise RuntimeError(f"rpc {method}: {doc['error']}")
        return doc["result"]

    def height(self, i):
        try:
            return int(self.rpc(i, "status", timeout=2)["sync_info"]["latest_block_height"])
        except (requests.RequestException, RuntimeError, ValueError):
            return -1

    def wait_height(self, i, h, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.height(i) >= h:
                return True
            time.sleep(0.2)
        return False

    def app_info(self, i):
        """(last committed height, app hash hex) as reported by validator i's app."""
        r = self.rpc(i, "abci_info", timeout=2)["response"]
        h = int(r.get("last_block_height", 0))
        return h, base64.b64decode(r.get("last_block_app_hash", "")).hex()

    def app_hashes_by_height(self, indices, seconds=3.0):
        """Samples each app's (height, hash) for a while: {i: {height: hash}}."""
        seen = {i: {} for i in indices}
        deadline = time.time() + seconds
        while time.time() < deadline:
            for i in indices:
                try:
                    h, hsh = self.app_info(i)
                    seen[i][h] = hsh
                except (requests.RequestException, RuntimeError):
                    pass
            time.sleep(0.05)
        return seen

    def broadcast(self, i, tx_bytes):
        return self.rpc(i, "broadcast_tx_sync", tx=base64.b64encode(tx_bytes).decode())

    def query(self, i, what, arg=""):
        path = f"/{what}/{arg}" if arg else f"/{what}"
        r = self.rpc(i, "abci_query", path=path, data="")["response"]
        return r.get("code", 0), json.loads(base64.b64decode(r.get("value") or b"e30=")), r

    def account(self, i, address):
        return vinet_json("query", "account", address, "--chain", self.rpc_url(i), "--json")

    def find_tx(self, i, hash_hex):
        return self.rpc(i, "tx", hash=base64.b64encode(bytes.fromhex(hash_hex)).decode())

    def transfer(self, key, to, amount, node=0, check=True):
        proc = vinet("tx", "transfer", "--key", key, "--to", to, "--amount", amount,
                     "--chain", self.rpc_url(node), "--json", check=check)
        return json.loads(proc.stdout) if proc.stdout.strip() else None, proc

    def signed_transfer(self, key, to, amount, nonce, chain_id=None, fee=1):
        out = vinet("tx", "transfer", "--key", key, "--to", to, "--amount", amount,
                    "--nonce", nonce, "--chain-id", chain_id or self.chain_id, "--fee", fee,
                    "--dry-run").stdout.split()
        return base64.b64decode(out[0])

    def sign_raw(self, key, body):
        return base64.b64decode(vinet("tx", "sign", "--key", key, "--body-hex",
                                      body.hex()).stdout.strip())


def new_key(tmp_path, name):
    path = os.path.join(str(tmp_path), f"{name}.key")
    info = vinet_json("keys", "new", "--out", path, "--json")
    return path, info["address"]


def node_and_enclave_pids(directory):
    """The inference node's and the enclave emulator's pids from devnet.json
    (0 where not started); [] when the devnet has no state file."""
    try:
        with open(os.path.join(directory, "devnet.json")) as f:
            st = json.load(f)
    except OSError:
        return []
    return [st.get("node", {}).get("pid", 0), st.get("enclave", {}).get("pid", 0)]

"""A duplicate signer: a second CometBFT + vinet app pair running on the same
chain with a copy of one validator's priv_validator_key.json (and a fresh
priv_validator_state.json, so it signs heights the original signed too).
When that key's turn to propose comes, the two instances propose different
blocks and vote for their own, and the honest validators see conflicting
votes: CometBFT's DuplicateVoteEvidence, committed in a later block and
passed to FinalizeBlock as misbehavior.

Reusable: `DoubleSigner(home_dir, genesis, key_file, peers)` needs only the
chain's genesis.json, the key to copy and the peers to dial
("id@host:port,..."), so it runs against a loopback devnet here and across
network namespaces in the netns lane (`wrap` prefixes the commands, e.g.
["ip", "netns", "exec", "ns1"], and `host` is the address to listen on).
Always call stop() (it is idempotent); it kills only what it started.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import time

from devnet import VINET


def free_port(host="127.0.0.1"):
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def set_toml(text, section, key, value):
    """Sets `key = value` in [section] ("" = the top level) of a CometBFT config."""
    out, current, done = [], "", False
    for line in text.splitlines():
        m = re.match(r"^\s*\[([^\]]+)\]\s*$", line)
        if m:
            current = m.group(1)
        elif current == section and not done and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            line = f"{key} = {value}"
            done = True
        out.append(line)
    if not done:
        raise KeyError(f"{section}.{key} not in config.toml")
    return "\n".join(out) + "\n"


class DoubleSigner:
    def __init__(self, home, genesis, key_file, peers, config_from=None, host="127.0.0.1",
                 wrap=(), cometbft="cometbft"):
        self.home = str(home)
        self.genesis = genesis
        self.key_file = key_file
        self.peers = peers
        self.config_from = config_from  # a config.toml to start from (timeouts of the net)
        self.host = host
        self.wrap = list(wrap)
        self.cometbft = cometbft
        self.procs = []
        self.rpc = None

    def start(self):
        shutil.rmtree(self.home, ignore_errors=True)
        subprocess.run(self.wrap + [self.cometbft, "init", "--home", self.home], check=True,
                       capture_output=True)
        cfg = os.path.join(self.home, "config")
        shutil.copy(self.genesis, os.path.join(cfg, "genesis.json"))
        shutil.copy(self.key_file, os.path.join(cfg, "priv_validator_key.json"))
        if self.config_from:
            shutil.copy(self.config_from, os.path.join(cfg, "config.toml"))
        path = os.path.join(cfg, "config.toml")
        with open(path) as f:
            text = f.read()
        abci, rpc, p2p = (free_port(self.host) for _ in range(3))
        self.rpc = f"http://{self.host}:{rpc}"
        for section, key, value in [
                ("", "proxy_app", f'"tcp://{self.host}:{abci}"'),
                ("", "moniker", '"double-signer"'),
                ("rpc", "laddr", f'"tcp://{self.host}:{rpc}"'),
                ("p2p", "laddr", f'"tcp://{self.host}:{p2p}"'),
                ("p2p", "persistent_peers", f'"{self.peers}"'),
                ("p2p", "allow_duplicate_ip", "true"),
                ("p2p", "addr_book_strict", "false"),
                ("statesync", "enable", "false")]:
            text = set_toml(text, section, key, value)
        with open(path, "w") as f:
            f.write(text)
        for argv, log in [([VINET, "chain", "start", "--home", self.home], "app.log"),
                          ([self.cometbft, "start", "--home", self.home], "comet.log")]:
            out = open(os.path.join(self.home, log), "w")
            self.procs.append(subprocess.Popen(self.wrap + argv, stdout=out, stderr=out,
                                               start_new_session=True))
        return self

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.time() + 5
        for p in self.procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []


def devnet_peers(directory):
    """The persistent_peers string of every node of a `vinet devnet up` devnet."""
    import json
    with open(os.path.join(str(directory), "devnet.json")) as f:
        nodes = json.load(f)["validators"]
    return ",".join(f"{v['node_id']}@{v['p2p_laddr'].replace('tcp://', '')}" for v in nodes)

"""docs/operations.md, followed step by step on a network of Linux namespaces.

The guide's ```bash ops``` blocks run in order, each on the namespace of the
machine it names (`on=`), with the addresses and directories of the guide's
`vars` block replaced by the namespaces' (one namespace per machine, from
tests/integration/netns.py; the admin machine is the root namespace, on the
bridge). `systemctl` is ops_systemctl.py, which runs the units' ExecStart
lines (deploy/systemd) the guide installed. Not run here, by the guide's own
tags: `nitro` blocks (no Nitro hardware: the emulator path runs instead),
`provision` blocks (they would add users to the CI machine), and blocks that
`needs=` a command this binary does not have yet (the test prints which).
Afterwards: the TEE inference the guide sent settled, and every validator
(the joined one included) reports the same app hash at a common height.
"""
import json
import os
import re
import shutil
import subprocess
import time

import pytest
import requests

from devnet import ROOT, VINET, become_subreaper
import netns

DOC = os.path.join(ROOT, "docs", "operations.md")
BLOCK = re.compile(r"^```bash ops(?P<attrs>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
HOSTS = {"v0": 10, "v1": 11, "v2": 12, "v3": 13, "new": 14, "node": 20}
VALIDATORS = ["v0", "v1", "v2", "v3"]

pytestmark = pytest.mark.skipif(netns.unsupported_reason() is not None,
                                reason=str(netns.unsupported_reason()))


def parse_doc():
    blocks = []
    for m in BLOCK.finditer(open(DOC).read()):
        attrs = m.group("attrs").split()
        b = {"body": m.group("body"), "flags": set(), "on": None, "needs": None,
             "line": open(DOC).read()[:m.start()].count("\n") + 1}
        for a in attrs:
            if a.startswith("on="):
                b["on"] = a[3:]
            elif a.startswith("needs="):
                b["needs"] = a[6:]
            else:
                b["flags"].add(a)
        blocks.append(b)
    return blocks


def with_values(vars_text, values):
    """The vars block with each NAME=... line whose NAME is in `values` replaced."""
    out = vars_text
    for name, value in values.items():
        out, n = re.subn(rf"^{name}=.*$", f'{name}="{value}"', out, flags=re.M)
        assert n == 1, f"the guide's vars block defines {name} once (found {n})"
    return out


def has_command(sub):
    """Whether `vinet --help` lists the subcommand (`vinet X --help` exits 0
    for any X: CLI11 answers --help before it checks the rest)."""
    out = subprocess.run([VINET, "--help"], capture_output=True, text=True).stdout
    return re.search(rf"^  {re.escape(sub)}\s", out, re.M) is not None


def test_operations_guide(vinet_bin, tmp_path):
    become_subreaper()
    blocks = parse_doc()
    (vars_block,) = [b for b in blocks if "vars" in b["flags"]]
    work = tmp_path
    release = work / "release"
    release.mkdir()
    shutil.copy(VINET, release / "vinet")
    os.symlink(shutil.which("cometbft") or os.path.join(netns.GOBIN, "cometbft"),
               release / "cometbft")
    shim = work / "shim"
    shim.mkdir()
    os.symlink(os.path.join(os.path.dirname(__file__), "ops_systemctl.py"), shim / "systemctl")

    net = netns.NetnsNet(work / "netns")
    netns.cleanup_stale()
    os.makedirs(net.dir, exist_ok=True)
    net._write_marker()
    try:
        net._create_bridge()
        net._write_marker()
        for role, octet in HOSTS.items():
            net.add_host(role, octet)
        common = {"V0": net.ip("v0"), "V1": net.ip("v1"), "V2": net.ip("v2"),
                  "V3": net.ip("v3"), "NODE": net.ip("node"), "NEW": net.ip("new"),
                  "SRC": ROOT, "RELEASE": str(release), "STAGE": str(work / "stage"),
                  "BLOCK_TIME": "300ms",
                  "ENCLAVE_ENDPOINT": "unix:$VINET_HOME/node/enclave.sock"}

        def run(block, role):
            machine = work / "machines" / role
            values = dict(common, VINET_HOME=str(machine), VINET_BIN_DIR=str(machine / "bin"),
                          UNIT_DIR=str(machine / "units"))
            if role != "admin":
                values["ME"] = net.ip(role)
            script = with_values(vars_block["body"], values) + block["body"]
            argv = ["bash", "-euo", "pipefail", "-c", script]
            if role != "admin":
                argv = ["ip", "netns", "exec", net.ns(role)] + argv
            # The systemctl stand-in learns the machine's directories from its environment.
            env = dict(os.environ, PATH=f"{shim}:{netns.GOBIN}:{os.environ['PATH']}",
                       HOME=str(work), VINET_HOME=values["VINET_HOME"],
                       VINET_BIN_DIR=values["VINET_BIN_DIR"], UNIT_DIR=values["UNIT_DIR"])
            t0 = time.time()
            p = subprocess.run(argv, capture_output=True, text=True, cwd=work, env=env,
                               timeout=150)
            print(f"docs/operations.md:{block['line']} on {role}: {time.time() - t0:.1f} s")
            assert p.returncode == 0, (f"docs/operations.md line {block['line']} on {role} "
                                       f"failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")

        ran = 0
        for b in blocks:
            if "vars" in b["flags"] or "nitro" in b["flags"] or "provision" in b["flags"]:
                continue
            if b["needs"] and not has_command(b["needs"]):
                print(f"docs/operations.md:{b['line']}: not run: `vinet {b['needs']}` "
                      "is not in this binary yet")
                continue
            roles = VALIDATORS if b["on"] == "each-validator" else [b["on"]]
            for role in roles:
                run(b, role)
            ran += 1
        assert ran >= 10, ran

        result = json.load(open(work / "stage" / "first-inference.json"))
        assert result["mode"] == "TEE" or result["mode"].lower() == "tee", result
        assert result["verified"] is True
        assert result["settlement"]["status"] == "SETTLED", result

        # The staked validator is in CometBFT's set with power bond / power_reduction.
        if has_command("validator"):
            key = json.load(open(work / "machines" / "new" / "validator" / "config" /
                                 "priv_validator_key.json"))
            vals = requests.get(f"http://{net.ip('v0')}:26657/validators", timeout=3).json()
            powers = {v["pub_key"]["value"]: v["voting_power"] for v in vals["result"]["validators"]}
            assert powers.get(key["pub_key"]["value"]) == "10", powers

        # Every validator and the joined full node agree on the app hash.
        ips = [net.ip(r) for r in VALIDATORS] + [net.ip("new")]

        def status(ip):
            return requests.get(f"http://{ip}:26657/status", timeout=3).json()["result"]
        h = min(int(status(ip)["sync_info"]["latest_block_height"]) for ip in ips) - 1
        hashes = {requests.get(f"http://{ip}:26657/block", params={"height": h},
                               timeout=3).json()["result"]["block"]["header"]["app_hash"]
                  for ip in ips}
        assert len(hashes) == 1, (h, hashes)
    finally:
        net.down()

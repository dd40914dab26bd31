"""The `vinet` command's flags mean one thing everywhere (docs/cli.md).

`--help` of every command is read: `--chain` is always the CometBFT RPC,
`--node` always the inference node, every command that talks to a network
takes `--devnet DIR`, nothing offers `--dir`. The old meanings (`--node` for
the RPC in `tx`/`query`) are refused with the new flag named, before any
network use. Against the session devnet (conftest: validators, enclave
emulator, node serving the demo model), `tx`, `query`, `infer` and `status`
give the same answers with explicit `--chain`/`--node`/`--key`/`--root`, with
`--devnet DIR`, and with the default devnet `.vinet/devnet`.
"""
import json
import os
import re
import subprocess

import pytest

from devnet import VINET, new_key, vinet, vinet_json

X = [0.1 * i - 0.8 for i in range(16)]

# Commands that reach a network, and the network flags each offers.
NETWORK_FLAGS = {
    "infer": {"--chain", "--node", "--key", "--root"},
    "status": {"--chain", "--node"},
    "chat": {"--chain", "--node", "--key", "--root"},
    "query account": {"--chain"},
    "query params": {"--chain"},
    "query claim": {"--chain"},
    "tx transfer": {"--chain", "--key"},
    "tx register-model": {"--chain", "--key"},
    "tx submit-proof": {"--chain", "--key"},
    "tx enclave-nonce": {"--chain", "--key"},
    "query evidence": {"--chain"},
    "validator create": {"--chain", "--key"},
    "validator unbond": {"--chain", "--key"},
    "validator show": {"--chain", "--key"},
    "validator list": {"--chain"},
}


def help_text(path):
    proc = subprocess.run([VINET, *path.split(), "--help"], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def subcommands(text):
    """The names listed under "Subcommands:" in a --help text."""
    if "Subcommands:" not in text:
        return []
    block = text.split("Subcommands:", 1)[1]
    return re.findall(r"^  (\S+)\s", block, re.M)


def all_commands():
    """Every leaf command path, e.g. "tx transfer", found by walking --help."""
    out, todo = [], subcommands(help_text(""))
    while todo:
        path = todo.pop()
        subs = subcommands(help_text(path))
        if subs:
            todo += [f"{path} {s}" for s in subs]
        else:
            out.append(path)
    return sorted(out)


def option_lines(text):
    """{flag: its help line(s)} of the Options section."""
    opts, current = {}, None
    for line in text.split("Options:", 1)[-1].splitlines():
        m = re.match(r"^  (?:-\w,)?(--[\w-]+)(.*)$", line)
        if m:
            current = m.group(1)
            opts[current] = m.group(2)
        elif current and line.startswith("      "):
            opts[current] += " " + line.strip()
    return opts


def test_every_help_gives_each_flag_one_meaning():
    commands = all_commands()
    assert len(commands) > 40 and "tx transfer" in commands and "infer" in commands
    seen_chain = seen_node = 0
    for path in commands:
        text = help_text(path)
        opts = option_lines(text)
        assert "--dir" not in opts, path
        if "--chain" in opts:
            assert "CometBFT RPC" in opts["--chain"], (path, opts["--chain"])
            seen_chain += 1
        if "--node" in opts:
            assert "inference node" in opts["--node"], (path, opts["--node"])
            seen_node += 1
        if path.startswith("devnet "):
            assert "--devnet" in opts, path
        # Descriptions start in lower case (acronyms aside), like the others.
        first = text.splitlines()[0]
        assert not re.match(r"^[A-Z][a-z]", first), (path, first)
    for path, flags in NETWORK_FLAGS.items():
        opts = option_lines(help_text(path))
        assert "--devnet" in opts, path
        shown = {f for f in ("--chain", "--node", "--key", "--root") if f in opts}
        assert shown == flags, (path, shown)
    assert seen_chain >= len(NETWORK_FLAGS) and seen_node >= 3


@pytest.mark.parametrize("args,named", [
    (["query", "params", "--node", "http://127.0.0.1:26657"], "--chain URL"),
    (["query", "account", "00" * 20, "--node", "http://127.0.0.1:26657"], "--chain URL"),
    (["tx", "transfer", "--node", "http://127.0.0.1:26657", "--key", "k", "--to", "00" * 20,
      "--amount", "1"], "--chain URL"),
    (["tx", "enclave-nonce", "--node", "http://127.0.0.1:26657", "--key", "k"], "--chain URL"),
    (["status", "00" * 32, "--node", "http://127.0.0.1:9", "--key", "k"], "signs nothing"),
])
def test_old_meanings_are_refused_naming_the_new_flag(tmp_path, args, named):
    proc = subprocess.run([VINET, *args], capture_output=True, text=True, timeout=30,
                          cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert named in proc.stderr and "error: invalid_argument" in proc.stderr, proc.stderr


def test_missing_endpoints_name_the_flags(tmp_path):
    proc = subprocess.run([VINET, "query", "params"], capture_output=True, text=True,
                          timeout=30, cwd=tmp_path)
    assert proc.returncode == 1
    assert "--chain URL (the CometBFT RPC)" in proc.stderr and "--devnet DIR" in proc.stderr
    proc = subprocess.run([VINET, "infer", "abc", "--input", '{"x": [1]}', "--devnet",
                           str(tmp_path / "none")], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1 and "vinet devnet up --devnet" in proc.stderr, proc.stderr


def test_chain_commands_same_with_chain_devnet_and_default_devnet(devnet, tmp_path):
    by_chain = vinet_json("query", "params", "--chain", devnet.rpc_url(1), "--json")
    by_devnet = vinet_json("query", "params", "--devnet", devnet.dir, "--json")
    assert by_chain == by_devnet and by_chain["min_fee"] >= 1
    # The default devnet: .vinet/devnet under the working directory.
    os.makedirs(tmp_path / ".vinet")
    os.symlink(devnet.dir, tmp_path / ".vinet" / "devnet")
    proc = subprocess.run([VINET, "query", "params", "--json"], capture_output=True, text=True,
                          timeout=30, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == by_chain
    # A tx signed with the devnet's dev key, found by --devnet alone.
    _, bob = new_key(tmp_path, "bob")
    out = vinet_json("tx", "transfer", "--devnet", devnet.dir, "--to", bob, "--amount", 7,
                     "--json")
    assert out["code"] == 0 and out["height"] > 0
    acct = vinet_json("query", "account", bob, "--chain", devnet.rpc_url(0), "--json")
    assert acct["balance"] == 7


def test_infer_and_status_same_with_explicit_flags_and_devnet(devnet, tmp_path):
    st = devnet.status()
    model_id = st["models"][0]
    inline = json.dumps({"x": [X]})
    by_devnet = vinet_json("infer", model_id, "--input", inline, "--mode", "tee", "--devnet",
                           devnet.dir, "--json")
    explicit = vinet_json("infer", model_id, "--input", inline, "--mode", "tee", "--node",
                          st["node"]["url"], "--chain", devnet.rpc_url(0), "--key",
                          st["dev_key"], "--root", st["tee_root"], "--wait", "settled",
                          "--json")
    assert by_devnet["verified"] and explicit["verified"]
    assert by_devnet["outputs"] == explicit["outputs"]
    assert by_devnet["inference_id"] != explicit["inference_id"]
    assert explicit["settlement"]["status"] == "SETTLED"
    # The same inputs from a file and from stdin.
    f = tmp_path / "in.json"
    f.write_text(inline)
    from_file = vinet_json("infer", model_id, "--input", f, "--devnet", devnet.dir, "--json")
    from_stdin = json.loads(subprocess.run(
        [VINET, "infer", model_id, "--input", "-", "--devnet", devnet.dir, "--json"],
        input=inline, capture_output=True, text=True, timeout=60, check=True).stdout)
    assert from_file["outputs"] == from_stdin["outputs"] == explicit["outputs"]
    # status: text by default, JSON with --json; same record either way.
    iid = explicit["inference_id"]
    text = vinet("status", iid, "--node", st["node"]["url"], "--chain", devnet.rpc_url(0)).stdout
    assert text.startswith(f"inference {iid}\n"), text
    assert "chain: SETTLED" in text, text
    as_json = vinet_json("status", iid, "--devnet", devnet.dir, "--json")
    assert as_json["chain"]["status"] == "SETTLED" and as_json["node"]["inference_id"] == iid


def test_devnet_commands_take_devnet_and_still_read_dir(devnet):
    new = vinet("devnet", "status", "--devnet", devnet.dir, "--json")
    old = vinet("devnet", "status", "--dir", devnet.dir, "--json")
    assert json.loads(new.stdout)["dir"] == json.loads(old.stdout)["dir"]
    assert new.stderr == "" and "--dir is now --devnet" in old.stderr

"""The namespace fixture's own hygiene (tests/integration/netns.py): a failed
start removes everything it made, and leftovers of a run whose owner died are
removed by the next run while a live owner's are kept. Root only."""
import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netns  # noqa: E402

REASON = netns.unsupported_reason()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


def ours(suffix):
    names = [n for n in netns._netns_list() if n.startswith(f"{netns.PREFIX}{suffix}-")]
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    return names, [w for w in links.split() if w.startswith(f"vt{suffix}")]


def dead_pid():
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_failed_up_removes_everything(tmp_path):
    net = netns.NetnsNet(tmp_path / "net", model=str(tmp_path / "missing.onnx"))
    with pytest.raises(RuntimeError, match="missing.onnx"):
        net.up()  # testnet init refuses the model after namespaces and proxy exist
    assert net.roles, "the failure came before any namespace: the test proves nothing"
    assert ours(net.suffix) == ([], [])
    assert not os.path.exists(net._marker_path())
    assert all(p.poll() is not None for p in net.procs.values()) and not net.procs


@pytest.mark.parametrize("owner_alive", [False, True])
def test_leftovers_of_a_dead_owner_are_removed(tmp_path, owner_alive):
    net = netns.NetnsNet(tmp_path / "net")
    net._create_bridge()
    try:
        net.add_host("v0", 10)
        sleeper = net.start("sleeper", "v0", ["sleep", "300"])
        owner = os.getpid() if owner_alive else dead_pid()
        os.makedirs(netns.MARKERS, exist_ok=True)
        with open(net._marker_path(), "w") as f:
            json.dump({"owner": owner, "suffix": net.suffix, "bridge": net.bridge,
                       "pids": [sleeper.pid], "dir": net.dir}, f)
        netns.cleanup_stale()
        names, links = ours(net.suffix)
        if owner_alive:
            assert names and links and sleeper.poll() is None
        else:
            assert (names, links) == ([], [])
            assert sleeper.wait(timeout=10) is not None
            assert not os.path.exists(net._marker_path())
    finally:
        net.down()
    assert ours(net.suffix) == ([], [])

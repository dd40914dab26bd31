"""Faults on the shared devnet: each test perturbs real processes, then
checks that the network recovers and every app agrees. Runs after the basic
tests (file order) and leaves the network healthy."""
import os
import signal
import time

from devnet import new_key, reap
from test_chain_basic import agree


def transfer_during(devnet, tmp_path, ledger, node, name, amount):
    _, addr = new_key(tmp_path, name)
    out, _ = devnet.transfer(devnet.dev_key, addr, amount, node=node)
    assert out["code"] == 0
    ledger.append({"hash": out["hash"], "to": addr, "amount": amount})
    return out


def caught_up(devnet, i, timeout=40):
    target = max(devnet.height(j) for j in range(4) if j != i)
    return devnet.wait_height(i, target + 1, timeout=timeout)


def test_sigkill_cometbft_others_continue_then_catch_up(devnet, tmp_path, ledger):
    devnet.signal(3, "comet", signal.SIGKILL)
    h = devnet.height(0)
    assert devnet.wait_height(0, h + 3, timeout=20), "three validators stopped making blocks"
    transfer_during(devnet, tmp_path, ledger, 0, "while_down", 77)
    devnet.restart(3)
    assert caught_up(devnet, 3), "restarted validator did not catch up"
    agree(devnet, range(4))


def test_sigkill_app_between_blocks_replays(devnet, tmp_path, ledger):
    devnet.signal(2, "app", signal.SIGKILL)
    transfer_during(devnet, tmp_path, ledger, 0, "app_down", 55)
    devnet.restart(2)
    assert caught_up(devnet, 2)
    common, _ = agree(devnet, range(4))
    assert common


def test_crash_between_finalize_and_commit_replays(devnet, tmp_path, ledger):
    i = 1
    crash_at = devnet.height(0) + 4
    devnet.restart(i, env={"VINET_TEST_CRASH_BEFORE_COMMIT_AT_HEIGHT": str(crash_at)})
    app_pid = devnet.pid(i, "app")
    deadline = time.time() + 30
    while time.time() < deadline and os.path.exists(f"/proc/{app_pid}") and \
            open(f"/proc/{app_pid}/stat").read().split(")")[1].split()[0] != "Z":
        time.sleep(0.1)
    reap([app_pid])
    log = open(os.path.join(devnet.home(i), "app.log")).read()
    assert f"exiting before Commit of height {crash_at}" in log
    transfer_during(devnet, tmp_path, ledger, 0, "app_crashed", 33)
    devnet.restart(i)
    assert caught_up(devnet, i)
    log = open(os.path.join(devnet.home(i), "app.log")).read()
    # The app restarted from its last Commit (crash_at - 1) and replayed crash_at.
    assert f"at height {crash_at - 1}" in log.split("exiting before Commit")[-1]
    common, seen = agree(devnet, range(4))
    assert common


def test_sigstop_validator_network_recovers(devnet, tmp_path, ledger):
    i = 0
    pids = [devnet.pid(i, "comet"), devnet.pid(i, "app")]
    for p in pids:
        os.kill(p, signal.SIGSTOP)
    try:
        h = devnet.height(1)
        out = transfer_during(devnet, tmp_path, ledger, 2, "while_paused", 11)
        time.sleep(10)
        assert devnet.height(1) >= h + 3, "others stalled while one validator was paused"
    finally:
        for p in pids:
            os.kill(p, signal.SIGCONT)
    assert caught_up(devnet, i, timeout=40)
    assert devnet.find_tx(i, out["hash"])["tx_result"].get("code", 0) == 0
    agree(devnet, range(4))


def test_no_committed_transfer_lost(devnet, ledger):
    assert len(ledger) >= 4  # this file's own four, plus any other file's in this process
    expected = {}
    for entry in ledger:
        expected[entry["to"]] = expected.get(entry["to"], 0) + entry["amount"]
    for i in range(4):
        for entry in ledger:
            if entry["hash"]:
                res = devnet.find_tx(i, entry["hash"])
                assert res["tx_result"].get("code", 0) == 0
        for addr, balance in expected.items():
            assert devnet.account(i, addr)["balance"] == balance, (i, addr)

"""Fixtures for the chain integration tests.

One 4-validator devnet serves the whole session (tests run in file order: the
basic behaviour first, then the faults, each fault test leaving the network
healthy). Teardown stops every process even when a test fails. The ledger
records every committed transfer so the last test can check none was lost.
"""
import os
import shutil

import pytest

from devnet import Devnet, VINET, become_subreaper
from node_helpers import InferenceDevnet


class NetWithNode(InferenceDevnet, Devnet):
    """The session devnet also runs an enclave emulator and an inference node
    serving the demo model (scripts/make_demo_model.py)."""


def running(net, prepare=None):
    """For a fixture: `yield from running(net)` starts `net`, runs
    `prepare(net)` if given, yields it, and stops it whatever happened."""
    try:
        net.up()
        if prepare:
            prepare(net)
        yield net
    finally:
        net.down()


def pytest_configure(config):
    become_subreaper()


# The files that take minutes start first, the first two one per worker (the Makefile
# runs `-n 2 --dist loadfile --no-loadscope-reorder`, so xdist keeps this
# order), instead of one worker ending the run alone with them. Neither is
# timing-sensitive; the rest keep their file order.
SLOW_FILES_FIRST = (
    "test_state_sync.py",
    "test_wheel.py",
    "test_netns_faults.py",
    "test_operations_doc.py",
)


def pytest_collection_modifyitems(config, items):
    def rank(item):
        name = os.path.basename(str(item.fspath))
        return SLOW_FILES_FIRST.index(name) if name in SLOW_FILES_FIRST else len(SLOW_FILES_FIRST)

    items.sort(key=rank)  # stable: order within a file and among the rest is kept


@pytest.fixture(scope="session")
def vinet_bin():
    if not os.access(VINET, os.X_OK):
        pytest.fail(f"vinet binary not found at {VINET}; build first or set VINET_BIN")
    if not shutil.which("cometbft"):
        pytest.fail("cometbft not in PATH (it is installed in $(go env GOPATH)/bin)")
    return VINET


@pytest.fixture(scope="session")
def devnet(vinet_bin, tmp_path_factory):
    net = NetWithNode(tmp_path_factory.mktemp("devnet") / "net", validators=4, block_time="400ms")
    yield from running(net)


@pytest.fixture(scope="session")
def ledger():
    """Committed transfers: list of dicts {hash, to, amount}."""
    return []

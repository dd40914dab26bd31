"""`vinet enclave start --listen ENDPOINT` and `vinet enclave info --enclave
ENDPOINT` as processes: over tcp (a restarted enclave on the same port is
reached again, with its new key), over vsock as far as this kernel goes (the
enclave binds vsock:any:PORT and stops cleanly on SIGTERM; there is no vsock
loopback here to connect through), and malformed endpoints refused with the
field and byte offset."""
import json
import os
import signal
import socket
import subprocess

import pytest

from devnet import VINET


def start(listen, tmp_path):
    models = tmp_path / "models"
    models.mkdir(exist_ok=True)
    p = subprocess.Popen([VINET, "enclave", "start", "--listen", listen, "--models", models,
                          "--ca-dir", tmp_path / "ca"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()  # "enclave listening on ENDPOINT key K pcr0 P"
    words = line.split()
    assert words[:3] == ["enclave", "listening", "on"], line
    return p, words[3], words[5]


def stop(p):
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=10) == 0


def info(endpoint):
    out = subprocess.run([VINET, "enclave", "info", "--enclave", endpoint, "--json"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_tcp_enclave_restarts_on_its_port(vinet_bin, tmp_path):
    p, endpoint, key = start("tcp:127.0.0.1:0", tmp_path)
    try:
        assert endpoint.startswith("tcp:127.0.0.1:") and not endpoint.endswith(":0")
        assert info(endpoint)["enclave_key"] == key
    finally:
        stop(p)
    gone = subprocess.run([VINET, "enclave", "info", "--enclave", endpoint], capture_output=True,
                          text=True, timeout=30)
    assert gone.returncode != 0 and f"cannot connect to enclave at {endpoint}" in gone.stderr
    p, again, key2 = start(endpoint, tmp_path)
    try:
        assert again == endpoint and key2 != key
        assert info(endpoint)["enclave_key"] == key2
    finally:
        stop(p)


def test_vsock_enclave_binds_and_stops(vinet_bin, tmp_path):
    try:
        socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM).close()
    except (AttributeError, OSError) as e:
        pytest.skip(f"no AF_VSOCK sockets on this kernel: {e}")
    port = 40000 + os.getpid() % 20000
    p, endpoint, _ = start(f"vsock:any:{port}", tmp_path)
    assert endpoint == f"vsock:any:{port}"
    stop(p)


@pytest.mark.parametrize("text,message", [
    ("vsock:x:5000", 'CID "x" is not a decimal number at byte 6'),
    ("tcp:localhost:1", 'address "localhost" is not an IPv4 dotted quad at byte 4'),
    ("vsok:1:2", 'unknown transport "vsok"'),
])
def test_malformed_endpoints_are_refused(vinet_bin, tmp_path, text, message):
    out = subprocess.run([VINET, "enclave", "start", "--listen", text, "--models", tmp_path],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode != 0 and message in out.stderr, out.stderr

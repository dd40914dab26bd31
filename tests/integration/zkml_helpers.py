"""Helpers for the zkml CLI tests: the binary, model files and JSON inputs."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
VINET = os.environ.get("VINET_BIN", str(ROOT / "build" / "release" / "src" / "cli" / "vinet"))


def run(*args, check=True):
    """Runs `vinet args...`; returns the CompletedProcess (text)."""
    p = subprocess.run([VINET, *map(str, args)], capture_output=True, text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"vinet {' '.join(map(str, args))} failed: {p.stderr}")
    return p


def write_json(path, value):
    pathlib.Path(path).write_text(json.dumps(value))
    return str(path)


def read_json(path):
    return json.loads(pathlib.Path(path).read_text())

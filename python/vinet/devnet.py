"""Helpers for a local devnet started by ``vinet devnet up``: where its node,
chain RPC, dev key and TEE trust roots are. Development only."""
from __future__ import annotations

import glob
import json
import os
import subprocess
from typing import Any, Dict, List, Union

PathLike = Union[str, "os.PathLike[str]"]


def genesis_roots(devnet_dir: PathLike) -> List[str]:
    """PEM roots in a validator's genesis ``app_state.params.tee_roots``."""
    for genesis in sorted(glob.glob(os.path.join(os.fspath(devnet_dir), "node*", "config",
                                                 "genesis.json"))):
        with open(genesis) as f:
            params = (json.load(f).get("app_state") or {}).get("params") or {}
        roots = params.get("tee_roots")
        if isinstance(roots, str):
            roots = [roots]
        if roots:
            return [r for r in roots if isinstance(r, str)]
    return []


def dev_root_paths(devnet_dir: PathLike) -> List[str]:
    """Files named root.pem under the devnet directory (the emulator's dev CA)."""
    return sorted(glob.glob(os.path.join(os.fspath(devnet_dir), "**", "root.pem"),
                            recursive=True))


def devnet_roots(devnet_dir: PathLike) -> List[str]:
    """The TEE roots a devnet trusts: its genesis ``tee_roots``, else the dev CA's
    root.pem files under the directory. Raises FileNotFoundError when none."""
    roots = genesis_roots(devnet_dir)
    if not roots:
        roots = []
        for p in dev_root_paths(devnet_dir):
            with open(p) as f:
                roots.append(f.read())
    if not roots:
        raise FileNotFoundError(f"no TEE trust root found under {devnet_dir}")
    return roots


def devnet_status(devnet_dir: PathLike, vinet_bin: str = "vinet") -> Dict[str, Any]:
    """``vinet devnet status --devnet DIR --json``."""
    out = subprocess.run(
        [vinet_bin, "devnet", "status", "--devnet", os.fspath(devnet_dir), "--json"],
        capture_output=True, text=True, check=True, timeout=30)
    return json.loads(out.stdout)


def devnet_urls(status: Dict[str, Any]) -> Dict[str, Any]:
    """Node URL, a chain RPC URL, the dev key path and ``signers``: every
    validator's RPC URL (for ``Client(..., signers=...)``: the app-hash
    signatures that verify a settlement as soon as its block commits)."""
    rpcs = []
    for v in status.get("validators") or []:
        rpc = v.get("rpc")
        if rpc and rpc.startswith("tcp://"):
            rpc = "http://" + rpc[len("tcp://"):]
        if rpc:
            rpcs.append(rpc)
    return {"node_url": (status.get("node") or {}).get("url"),
            "chain_url": rpcs[0] if rpcs else None,
            "dev_key": status.get("dev_key"), "signers": rpcs}

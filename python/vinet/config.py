"""Where a client's configuration comes from: the environment
(``Client.from_env``) or a devnet directory (``Client.from_devnet``). Both
return keyword arguments for ``Client``/``AsyncClient``; nothing here does
network I/O."""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Mapping

from .devnet import devnet_roots
from .errors import InvalidRequest

ENV_VARS = ("VINET_NODE", "VINET_CHAIN", "VINET_KEY", "VINET_ROOTS", "VINET_DEVNET")


class ConfigError(InvalidRequest):
    """A client cannot be configured as asked (a variable or file is missing)."""


def from_devnet(directory: Any, overrides: Mapping[str, Any]) -> Dict[str, Any]:
    """Client arguments for the devnet in ``directory`` (its ``devnet.json``):
    the inference node, validator 0's RPC, the dev key and the TEE roots its
    genesis trusts. ``overrides`` win."""
    path = os.path.join(os.fspath(directory), "devnet.json")
    try:
        with open(path) as f:
            state = json.load(f)
    except OSError as e:
        raise ConfigError(f"devnet: cannot read {path} ({e.strerror})",
                          hint="start one with `vinet devnet up --devnet DIR`, or pass the directory "
                               "it was started in")
    except ValueError:
        raise ConfigError(f"devnet: {path} is not JSON")
    node_url = (state.get("node") or {}).get("url")
    validators = state.get("validators") or []
    out: Dict[str, Any] = {
        "node_url": node_url,
        "chain_url": validators[0].get("rpc") if validators else None,
        "key": state.get("dev_key"),
    }
    if "roots" not in overrides:
        try:
            out["roots"] = devnet_roots(directory)
        except FileNotFoundError:
            pass  # a devnet without an enclave: no TEE roots needed
    out.update(overrides)
    for name, what in (("node_url", "an inference node (\"node\": {\"url\"})"),
                       ("chain_url", "a validator RPC"), ("key", "a dev key")):
        if not out.get(name):
            raise ConfigError(f"devnet: {path} names no {what}")
    return out


def from_env(overrides: Mapping[str, Any], env: Mapping[str, str] = os.environ) -> Dict[str, Any]:
    """Client arguments from ``VINET_NODE``, ``VINET_CHAIN``, ``VINET_KEY`` and
    ``VINET_ROOTS`` (PEM files, ``os.pathsep``-separated), each defaulting to
    ``VINET_DEVNET``'s devnet when that is set. ``overrides`` win."""
    out: Dict[str, Any] = {}
    devnet = env.get("VINET_DEVNET")
    if devnet:
        out = from_devnet(devnet, {})
    for var, name in (("VINET_NODE", "node_url"), ("VINET_CHAIN", "chain_url"),
                      ("VINET_KEY", "key")):
        if env.get(var):
            out[name] = env[var]
    if env.get("VINET_ROOTS"):
        out["roots"] = [p for p in env["VINET_ROOTS"].split(os.pathsep) if p]
    out.update(overrides)
    missing = [var for var, name in (("VINET_NODE", "node_url"), ("VINET_CHAIN", "chain_url"),
                                     ("VINET_KEY", "key")) if not out.get(name)]
    if missing:
        raise ConfigError(f"environment: {', '.join(missing)} not set",
                          hint="set VINET_NODE (node URL), VINET_CHAIN (CometBFT RPC URL) and "
                               "VINET_KEY (key file), or VINET_DEVNET=DIR for a devnet; "
                               "VINET_ROOTS (PEM files) for TEE outside AWS")
    return out

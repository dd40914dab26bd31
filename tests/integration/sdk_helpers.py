"""Helpers for the SDK integration tests: a vinet.Client wired to the session's
devnet (its inference node, validator 0's RPC, the funded dev key and the dev
CA root its genesis trusts), and inputs that fit a model. Nothing here asserts."""
import numpy as np
import pytest

try:
    import vinet
except ImportError:  # reported by sdk_env
    vinet = None


def sdk_env(devnet):
    """(node_url, chain_url, dev_key_path, roots) of the running devnet."""
    if vinet is None or not hasattr(vinet, "Client"):
        pytest.fail("the vinet SDK is not installed: pip install ./python (docs/sdk.md)")
    status = devnet.status()
    urls = vinet.devnet.devnet_urls(status)
    if not urls["node_url"]:
        pytest.fail("`vinet devnet status --json` reports no inference node (\"node\": {\"url\"})")
    return urls["node_url"], urls["chain_url"], urls["dev_key"], vinet.devnet_roots(devnet.dir)


def make_client(devnet, key=None, cls=None, **kw):
    node_url, chain_url, dev_key, roots = sdk_env(devnet)
    cls = cls or vinet.Client
    return cls(node_url, chain_url, key or vinet.Key.from_file(dev_key), roots=roots, **kw)


def model_with(models, *modes):
    for m in models:
        if all(mode in m.modes for mode in modes):
            return m
    pytest.fail(f"the devnet's node serves no model with modes {modes}: {models}")


def inputs_for(model, seed=0):
    rng = np.random.default_rng(seed)
    return {name: rng.standard_normal([d if d > 0 else 1 for d in shape]).astype(np.float32)
            for name, shape in model.inputs.items()}


def wrong_shape_inputs(model):
    return {name: np.zeros([max(1, d) + 3 for d in shape] + [2], dtype=np.float32)
            for name, shape in model.inputs.items()}

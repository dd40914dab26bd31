"""Imports the native core ``vinet._native``.

Installed packages carry it (``pip install ./python``). In a source checkout it
is taken from ``$VINET_NATIVE`` or the repository's ``build/release`` tree, so
the SDK's own unit tests run without installing."""
from __future__ import annotations

import glob
import importlib.util
import os
import sys


def _load_from_build(installed_error: ImportError):  # type: ignore[no-untyped-def]
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.environ["VINET_NATIVE"]] if os.environ.get("VINET_NATIVE") else sorted(
        glob.glob(os.path.join(here, "..", "..", "build", "release", "python", "vinet",
                               "_native*.so")))
    for path in candidates:
        spec = importlib.util.spec_from_file_location("vinet._native", path)
        if spec and spec.loader:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            sys.modules["vinet._native"] = module
            return module
    here_so = glob.glob(os.path.join(here, "_native*.so"))
    if here_so:  # installed but does not load: say why (e.g. a missing shared library)
        raise ImportError(f"vinet._native ({here_so[0]}) does not load: {installed_error}") \
            from installed_error
    raise ImportError(
        "vinet._native is missing: install the SDK with `pip install ./python` or a wheel, or "
        "build the repository (make build) to use it uninstalled (docs/sdk.md, \"Install\")")


try:
    from . import _native  # type: ignore[attr-defined]
except ImportError as e:
    _native = _load_from_build(e)

protocol = _native.protocol
tee = _native.tee
zkml = getattr(_native, "zkml", None)
llm = getattr(_native, "llm", None)
chat = getattr(_native, "chat", None)
merkle = getattr(_native, "merkle", None)
light = getattr(_native, "light", None)

import hashlib
import json
import os
import stat

import pytest

from vinet import Key
from vinet._native_loader import protocol


def test_generate_save_load_round_trip(tmp_path):
    key = Key.generate()
    path = tmp_path / "k.key"
    key.save(path)
    data = json.loads(path.read_text())
    assert data["type"] == "ed25519" and data["public_key"] == key.public_key.hex()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    loaded = Key.from_file(path)
    assert loaded.public_key == key.public_key and loaded.address == key.address
    with pytest.raises(ValueError):
        key.save(path)  # never overwrites


def test_address_and_signature():
    key = Key.from_seed(bytes(range(32)))
    assert key.address == hashlib.sha256(key.public_key).hexdigest()[:40]
    sig = key.sign(b"hello")
    assert protocol.verify_signature(key.public_key, b"hello", sig)
    assert not protocol.verify_signature(key.public_key, b"hellO", sig)


def test_bad_key_files_are_rejected(tmp_path):
    path = tmp_path / "bad.key"
    path.write_text('{"type": "ed25519", "seed": "00"}')
    with pytest.raises(ValueError):
        Key.from_file(path)
    with pytest.raises(ValueError):
        Key.from_seed(b"short")

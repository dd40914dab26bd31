"""vinet._native.merkle against an independent Python rendering of the state
tree (docs/chain.md, "App hash (v2)"): proofs built here from the definition
verify natively; changed values, keys, roots and proof bytes do not."""
import hashlib
import random
import struct

import pytest

from vinet._native_loader import merkle

H = lambda b: hashlib.sha256(b).digest()  # noqa: E731
EMPTY = bytes(32)


def bit(path, depth):
    return (path[depth // 8] >> (7 - depth % 8)) & 1


def root(leaves, depth=0):
    if not leaves:
        return EMPTY
    if len(leaves) == 1:
        return H(b"\x00" + leaves[0][0] + leaves[0][1])
    left = [l for l in leaves if bit(l[0], depth) == 0]
    right = [l for l in leaves if bit(l[0], depth) == 1]
    return H(b"\x01" + root(left, depth + 1) + root(right, depth + 1))


def prove(leaves, key_hash):
    siblings, depth = [], 0
    while len(leaves) > 1:
        left = [l for l in leaves if bit(l[0], depth) == 0]
        right = [l for l in leaves if bit(l[0], depth) == 1]
        near, far = (right, left) if bit(key_hash, depth) else (left, right)
        siblings.append(root(far, depth + 1))
        leaves, depth = near, depth + 1
    out = bytearray([1, 1 if leaves else 0])
    if leaves:
        out += leaves[0][0] + leaves[0][1]
    out += struct.pack(">H", len(siblings))
    bitmap = bytearray((len(siblings) + 7) // 8)
    body = bytearray()
    for i, s in enumerate(siblings):
        if s != EMPTY:
            bitmap[i // 8] |= 0x80 >> (i % 8)
            body += s
    return bytes(out + bitmap + body)


def field(num, data):
    n, out = len(data), bytearray([num << 3 | 2])
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out) + data


@pytest.mark.parametrize("size", [0, 1, 2, 5, 64, 300])
def test_python_built_proofs_verify_natively(size):
    rng = random.Random(size)
    state = {f"c/{rng.getrandbits(256):064x}".encode(): rng.randbytes(rng.randrange(60))
             for _ in range(size)}
    leaves = sorted((H(k), H(v)) for k, v in state.items())
    r = root(leaves)
    for key, value in list(state.items())[:20]:
        proof = prove(leaves, H(key))
        merkle.verify_membership(r, key, value, proof)
        with pytest.raises(merkle.MerkleError, match="verification"):
            merkle.verify_membership(r, key, value + b"!", proof)
        with pytest.raises(merkle.MerkleError):
            merkle.verify_absence(r, key, proof)
    for i in range(20):
        key = f"a/{i}".encode()
        proof = prove(leaves, H(key))
        merkle.verify_absence(r, key, proof)
        with pytest.raises(merkle.MerkleError):
            merkle.verify_membership(r, key, b"", proof)


def test_every_flipped_byte_is_rejected():
    rng = random.Random(1)
    state = {f"n/{i:040x}".encode(): rng.randbytes(40) for i in range(100)}
    leaves = sorted((H(k), H(v)) for k, v in state.items())
    r = root(leaves)
    key, value = next(iter(state.items()))
    proof = prove(leaves, H(key))
    merkle.verify_membership(r, key, value, proof)
    for i in range(len(proof)):
        bad = bytearray(proof)
        bad[i] ^= 0x01
        with pytest.raises(merkle.MerkleError):
            merkle.verify_membership(r, key, value, bytes(bad))


def test_proof_op_and_proof_ops_codec():
    state = {b"a/1": b"one", b"a/2": b"two", b"m/x": b"model"}
    leaves = sorted((H(k), H(v)) for k, v in state.items())
    r = root(leaves)
    data = prove(leaves, H(b"a/2"))
    wire = field(1, field(1, merkle.PROOF_OP_TYPE.encode()) + field(2, b"a/2") + field(3, data))
    ops = merkle.decode_proof_ops(wire)
    assert ops == [(merkle.PROOF_OP_TYPE, b"a/2", data)]
    merkle.verify_proof_op(r, b"a/2", b"two", *ops[0])
    with pytest.raises(merkle.MerkleError, match="not the key queried"):
        merkle.verify_proof_op(r, b"a/1", b"one", *ops[0])
    with pytest.raises(merkle.MerkleError, match="op type"):
        merkle.verify_proof_op(r, b"a/2", b"two", "iavl:v", b"a/2", data)
    absent = prove(leaves, H(b"a/3"))
    merkle.verify_proof_op(r, b"a/3", None, merkle.PROOF_OP_TYPE, b"a/3", absent)
    with pytest.raises(merkle.MerkleError, match="parse: proof ops: offset"):
        merkle.decode_proof_ops(wire[:-1])
    assert merkle.key_hash(b"a/2") == H(b"a/2")
    info = merkle.decode_proof(data)
    assert info["leaf"] == (H(b"a/2"), H(b"two"))
    with pytest.raises(merkle.MerkleError, match="root must be 32 bytes"):
        merkle.verify_absence(b"short", b"k", absent)

#!/usr/bin/env python3
"""Writes seed proofs for fuzz_merkle_proof into tests/fuzz/corpus/merkle_proof/.

An independent Python rendering of the tree in include/vinet/merkle/hash.h
(built from the definition, not from the C++ code): membership proofs, absence
proofs ending in an empty subtree and in another key's leaf, and one ProofOps
message wrapping a proof. Run from the repository root."""
import hashlib
import os
import struct

H = lambda b: hashlib.sha256(b).digest()
EMPTY = bytes(32)


def bit(path, depth):
    return (path[depth // 8] >> (7 - depth % 8)) & 1


def root(leaves, depth=0):
    if not leaves:
        return EMPTY
    if len(leaves) == 1:
        k, v = leaves[0]
        return H(b"\x00" + k + v)
    left = [l for l in leaves if bit(l[0], depth) == 0]
    right = [l for l in leaves if bit(l[0], depth) == 1]
    return H(b"\x01" + root(left, depth + 1) + root(right, depth + 1))


def prove(leaves, key_hash):
    siblings, depth = [], 0
    while len(leaves) > 1:
        left = [l for l in leaves if bit(l[0], depth) == 0]
        right = [l for l in leaves if bit(l[0], depth) == 1]
        if bit(key_hash, depth):
            siblings.append(root(left, depth + 1)); leaves = right
        else:
            siblings.append(root(right, depth + 1)); leaves = left
        depth += 1
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
        out.append(n & 0x7F | 0x80); n >>= 7
    out.append(n)
    return bytes(out) + data


def main():
    state = {f"c/{i:064x}".encode(): f"claim {i}".encode() for i in range(20)}
    leaves = sorted((H(k), H(v)) for k, v in state.items())
    out = "tests/fuzz/corpus/merkle_proof"
    os.makedirs(out, exist_ok=True)
    seeds = {
        "member": prove(leaves, H(b"c/" + b"%064x" % 3)),
        "absent_a": prove(leaves, H(b"c/absent-a")),
        "absent_b": prove(leaves, H(b"c/absent-b")),
        "absent_c": prove(leaves, H(b"a/0000")),
        "single_leaf": prove(leaves[:1], H(b"x")),
        "empty_tree": prove([], H(b"x")),
    }
    seeds["proof_ops"] = field(1, field(1, b"vinet:smt:v1") + field(2, b"c/" + b"%064x" % 3)
                               + field(3, seeds["member"]))
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("root", root(leaves).hex(), "seeds", len(seeds))


if __name__ == "__main__":
    main()

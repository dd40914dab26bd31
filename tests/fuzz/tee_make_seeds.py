#!/usr/bin/env python3
"""Writes the seed corpora of the TEE fuzz targets from tests/data/nitro/.

tee_cose: the real documents; tee_payload: their payloads; tee_receipt: a
receipt in the canonical encoding (docs/receipts.md); tee_nsm: NSM replies.
Run from the repository root; the output is committed.
"""
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "data", "nitro")
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for ai, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | ai]) + struct.pack(fmt, n)


def bstr(b):
    return head(2, len(b)) + b


def text(s):
    return head(3, len(s)) + s.encode()


def item_end(buf, pos):
    """Offset after the (definite-length string) item at pos; enough for the envelope."""
    ib = buf[pos]
    major, ai = ib >> 5, ib & 31
    if ai < 24:
        n, pos = ai, pos + 1
    else:
        size = 1 << (ai - 24)
        n, pos = int.from_bytes(buf[pos + 1:pos + 1 + size], "big"), pos + 1 + size
    return pos, n, major


def payload_of(doc):
    pos = 1  # 0x84
    pos, n, _ = item_end(doc, pos)
    pos += n  # protected
    pos += 1  # unprotected (a0 or f6)
    pos, n, _ = item_end(doc, pos)
    return doc[pos:pos + n]


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    for name in sorted(os.listdir(DATA)):
        if not name.endswith(".cbor"):
            continue
        doc = open(os.path.join(DATA, name), "rb").read()
        write("tee_cose", name, doc)
        write("tee_payload", name, payload_of(doc))
    tensor = head(4, 1) + head(4, 4) + text("y") + text("f32") + head(4, 1) + head(0, 2) + bstr(b"\0" * 8)
    receipt = (head(4, 11) + head(0, 1) + bstr(b"\x11" * 32) + text("mlp") + head(0, 1) +
               bstr(b"\x22" * 32) + bstr(b"\x33" * 32) + tensor + bstr(b"\x44" * 32) +
               bstr(b"\x55" * 32) + bstr(b"\x66" * 64) + b"\xf6")
    write("tee_receipt", "receipt.cbor", receipt)
    write("tee_nsm", "attestation.cbor", head(5, 1) + text("Attestation") + head(5, 1) +
          text("document") + bstr(b"\x84\x40\xa0\x40\x40"))
    write("tee_nsm", "error.cbor", head(5, 1) + text("Error") + text("InvalidArgument"))


if __name__ == "__main__":
    main()

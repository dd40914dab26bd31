"""Helpers for the chat integration tests, written from docs/chat.md and
docs/network.md independently of the C++ code under test: the canonical chat
request and its hash, the signed request in the `X-Vinet-Request` header, the
running hash and signatures of streamed chunks, and SSE parsing. Nothing here
asserts; tests do.
"""
import base64
import hashlib
import random
import struct
import time

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from devnet import pb_bytes, pb_uint
from node_helpers import REQUEST_DOMAIN, cbor_head

CHAT_HASH_DOMAIN = b"vinet.chat.request.v1\0"
STREAM_DOMAIN = b"vinet.chat.stream.v1\0"
CHUNK_DOMAIN = b"vinet-chat-chunk-v1"
VANILLA, TEE = 0, 1


def _text(s):
    b = s.encode()
    return cbor_head(3, len(b)) + b


def _f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def chat_request_hash(model, messages, max_tokens=256, temperature=1.0, top_p=1.0, top_k=0,
                      seed=None, stop=()):
    """SHA-256(domain || CBOR [1, model, [[role, content]...], max_tokens,
    f32bits(temperature), f32bits(top_p), top_k, seed|null, [stop...]])."""
    out = cbor_head(4, 9) + cbor_head(0, 1) + _text(model) + cbor_head(4, len(messages))
    for m in messages:
        role = "system" if m["role"] == "developer" else m["role"]
        out += cbor_head(4, 2) + _text(role) + _text(m["content"])
    out += cbor_head(0, max_tokens) + cbor_head(0, _f32_bits(temperature))
    out += cbor_head(0, _f32_bits(top_p)) + cbor_head(0, top_k)
    out += bytes([0xF6]) if seed is None else cbor_head(0, seed)
    out += cbor_head(4, len(stop)) + b"".join(_text(s) for s in stop)
    return hashlib.sha256(CHAT_HASH_DOMAIN + out).digest()


def chat_body(model, messages, **kw):
    """The OpenAI JSON body; `kw` are OpenAI parameters (max_tokens, seed, ...)."""
    body = {"model": model, "messages": messages}
    body.update(kw)
    return body


def hash_of_body(body):
    """ChatRequestHash of an OpenAI body using only the parameters hashed."""
    return chat_request_hash(body["model"], body["messages"],
                             max_tokens=body.get("max_tokens", body.get("max_completion_tokens",
                                                                         256)),
                             temperature=body.get("temperature", 1.0),
                             top_p=body.get("top_p", 1.0), top_k=body.get("top_k", 0),
                             seed=body.get("seed"), stop=body.get("stop") or ())


def request_envelope(chain_id, node_pubkey, model, mode, request_hash, max_fee, ttl_ms=600_000,
                     nonce=None):
    """RequestBody with a ChatPayload (field 17)."""
    ts = int(time.time() * 1000)
    payload = pb_bytes(1, model.encode()) + (pb_uint(2, mode) if mode else b"")
    payload += pb_bytes(3, request_hash)
    body = pb_bytes(1, chain_id.encode()) + pb_bytes(2, node_pubkey) + pb_uint(3, max_fee)
    body += pb_uint(4, nonce if nonce is not None else random.getrandbits(63) + 1)
    body += pb_uint(5, ts) + pb_uint(6, ts + ttl_ms) + pb_bytes(17, payload)
    return body


def signed_header(key, envelope):
    """X-Vinet-Request: base64 of SignedRequest {body, client_pubkey, signature}."""
    sig = key.sk.sign(REQUEST_DOMAIN + key.pub + envelope)
    signed = pb_bytes(1, envelope) + pb_bytes(2, key.pub) + pb_bytes(3, sig)
    return base64.b64encode(signed).decode()


def inference_id(key, envelope):
    return hashlib.sha256(REQUEST_DOMAIN + key.pub + envelope).hexdigest()


class ChunkChecker:
    """Accepts chunks in order: running hash and Ed25519 signature."""

    def __init__(self, inference_id_hex, signer_hex):
        self.id = bytes.fromhex(inference_id_hex)
        self.signer = Ed25519PublicKey.from_public_bytes(bytes.fromhex(signer_hex))
        self.h = hashlib.sha256(STREAM_DOMAIN + self.id).digest()
        self.n = 0
        self.tokens = []
        self.text = b""

    def accept(self, chunk):
        assert chunk["index"] == self.n, f"chunk {chunk['index']} out of order (want {self.n})"
        text = chunk["text"].encode()
        toks = chunk["tokens"]
        self.h = hashlib.sha256(self.h + struct.pack("<II", self.n, len(toks))
                                + struct.pack(f"<{len(toks)}i", *toks)
                                + struct.pack("<I", len(text)) + text).digest()
        assert chunk["running_hash"] == self.h.hex(), f"chunk {self.n}: running hash differs"
        self.signer.verify(bytes.fromhex(chunk["signature"]),
                           CHUNK_DOMAIN + self.id + struct.pack("<I", self.n) + self.h)
        self.n += 1
        self.tokens += toks
        self.text += text

    def check_receipt(self, receipt):
        """The receipt covers exactly the accepted chunks."""
        assert receipt["chunks"] == self.n
        assert receipt["completion_tokens"] == len(self.tokens)
        tokens_hash = hashlib.sha256(struct.pack(f"<{len(self.tokens)}i", *self.tokens)).hexdigest()
        assert receipt["tokens_hash"] == tokens_hash
        assert receipt["text_hash"] == hashlib.sha256(self.text).hexdigest()


class ChatApi:
    def __init__(self, url, chain_id):
        self.url = url
        self.chain_id = chain_id
        health = requests.get(url + "/healthz", timeout=10).json()
        self.node_pubkey = bytes.fromhex(health["node_pubkey"])
        self.enclave_key = health.get("enclave_key")

    def sign(self, key, body, mode=VANILLA, max_fee=100_000, **kw):
        env = request_envelope(self.chain_id, self.node_pubkey, body["model"], mode,
                               hash_of_body(body), max_fee, **kw)
        return signed_header(key, env), inference_id(key, env)

    def post(self, body, header, stream=False, timeout=120):
        headers = {"X-Vinet-Request": header} if header is not None else {}
        return requests.post(self.url + "/v1/chat/completions", json=body, headers=headers,
                             stream=stream, timeout=timeout)

    def chat(self, key, body, mode=VANILLA, max_fee=100_000):
        header, iid = self.sign(key, body, mode, max_fee)
        return self.post(body, header), iid


def sse_events(response):
    """The `data:` payloads of a server-sent event stream, in order."""
    for line in response.iter_lines(decode_unicode=True):
        if line and line.startswith("data: "):
            yield line[len("data: "):]

"""A fake chat node behind httpx.MockTransport, speaking docs/network.md's chat
API with real signatures from the native core (VANILLA: the node key signs
chunks and receipt; TEE: a fake enclave key signs, the node co-signs). The
answer is a fixed list of deltas; `tamper` rewrites the SSE lines or JSON
answer after signing, to test that the SDK catches it."""
import hashlib
import json

import httpx

from vinet._native_loader import chat, protocol

DELTAS = [([11, 12], "Hello"), ([13], ","), ([14, 15], " world"), ([16], "!")]
PRICES = {"fee_per_inference": 10, "price_per_input_token": 1, "price_per_output_token": 2}
PROMPT_TOKENS = 7


class FakeChatNode:
    def __init__(self, chain_id="fake-chain", mode_key=None):
        self.chain_id = chain_id
        self.node_key = protocol.Key.generate()
        self.enclave_key = protocol.Key.generate()
        self.requests = []
        self.signed = []          # decoded X-Vinet-Request headers
        self.tamper_lines = None  # function(list of SSE lines) -> list of lines
        self.tamper_json = None   # function(answer dict) -> answer dict
        self.fee_bias = 0         # added to the fee the node announces
        self.attestations = 0

    def transport(self):
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.requests.append((request.method, path))
        if path == "/healthz":
            return httpx.Response(200, json={"ok": True, "chain_id": self.chain_id,
                                             "node_pubkey": self.node_key.public_key.hex()})
        if path == "/v1/models":
            return httpx.Response(200, json={"object": "list", "data": [
                dict(id="m" * 64, model_id="m" * 64, object="model", kind="llm",
                     modes=["VANILLA", "TEE"], fee=PRICES["fee_per_inference"], **PRICES)]})
        if path == "/v1/chat/completions" and request.method == "POST":
            return self.chat(request)
        return httpx.Response(404, json={"error": {"code": "not_found", "message": path}})

    def chat(self, request):
        import base64
        body = request.read()
        try:
            parsed = chat.parse_chat_completion(body)
        except ValueError as e:
            return httpx.Response(400, json={"error": {"code": "invalid_argument",
                                                       "message": str(e)}})
        header = request.headers.get("x-vinet-request")
        signed = chat.decode_signed_request(base64.b64decode(header))
        self.signed.append(signed)
        if not signed["signature_ok"] or signed["kind"] != "chat":
            return httpx.Response(401, json={"error": {"code": "unauthenticated", "message": "sig"}})
        if signed["input_hash"].hex() != parsed["request_hash"]:
            return httpx.Response(400, json={"error": {"code": "invalid_argument",
                                                       "message": "request_hash"}})
        iid = signed["inference_id"]
        tee = signed["mode"] == 1
        signer_key = self.enclave_key if tee else self.node_key
        signer = chat.ChatStreamSigner(iid, signer_key)
        chunks = [json.loads(signer.next(t, s)) for t, s in DELTAS]
        tokens = [t for ts, _ in DELTAS for t in ts]
        text = "".join(s for _, s in DELTAS)
        seed = parsed["request"]["seed"]
        receipt = {
            "inference_id": iid.hex(), "model_id": parsed["model_id"],
            "mode": "TEE" if tee else "VANILLA", "request_hash": parsed["request_hash"],
            "seed": 42 if seed is None else seed, "prompt_tokens": PROMPT_TOKENS,
            "completion_tokens": len(tokens), "finish_reason": "stop",
            "tokens_hash": chat.tokens_hash(tokens),
            "text_hash": hashlib.sha256(text.encode()).hexdigest(),
            "node_id": self.node_key.public_key.hex(), "enclave_key": None,
            "enclave_signature": None, "node_signature": None, "chunks": len(chunks)}
        receipt = json.loads(chat.sign_chat_receipt(json.dumps(receipt), node_key=self.node_key,
                                                    enclave_key=signer_key if tee else None))
        fee = chat.chat_fee(PRICES["fee_per_inference"], PRICES["price_per_input_token"],
                            PRICES["price_per_output_token"], PROMPT_TOKENS,
                            len(tokens)) + self.fee_bias
        sig_hex = signer_key.public_key.hex()
        mode = "TEE" if tee else "VANILLA"
        cid = "chatcmpl-" + iid.hex()
        if not parsed["stream"]:
            answer = {"id": cid, "object": "chat.completion", "model": parsed["model_id"],
                      "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                   "finish_reason": "stop"}],
                      "usage": {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": len(tokens),
                                "total_tokens": PROMPT_TOKENS + len(tokens)},
                      "vinet": {"inference_id": iid.hex(), "mode": mode, "signer": sig_hex,
                                "receipt": receipt, "chunks": chunks, "fee": fee}}
            if self.tamper_json:
                answer = self.tamper_json(answer)
            return httpx.Response(200, json=answer)
        events = [{"id": cid, "object": "chat.completion.chunk",
                   "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                "finish_reason": None}],
                   "vinet": {"inference_id": iid.hex(), "signer": sig_hex, "mode": mode}}]
        for c in chunks:
            events.append({"id": cid, "object": "chat.completion.chunk",
                           "choices": [{"index": 0, "delta": {"content": c["text"]},
                                        "finish_reason": None}], "vinet": c})
        events.append({"id": cid, "object": "chat.completion.chunk",
                       "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                       "vinet": {"inference_id": iid.hex(), "receipt": receipt, "fee": fee}})
        if parsed["include_usage"]:
            events.append({"id": cid, "object": "chat.completion.chunk", "choices": [],
                           "usage": {"prompt_tokens": PROMPT_TOKENS,
                                     "completion_tokens": len(tokens),
                                     "total_tokens": PROMPT_TOKENS + len(tokens)}})
        lines = ["data: " + json.dumps(e) for e in events] + ["data: [DONE]"]
        if self.tamper_lines:
            lines = self.tamper_lines(lines)
        payload = "".join(line + "\n\n" for line in lines).encode()
        return httpx.Response(200, headers={"content-type": "text/event-stream",
                                            "x-vinet-inference-id": iid.hex(),
                                            "x-vinet-signer": sig_hex, "x-vinet-mode": mode},
                              content=payload)

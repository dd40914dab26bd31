"""Chat through the SDK against a fake node (httpx.MockTransport): requests are
signed as the node expects, answers verified chunk by chunk, and every way of
breaking a stream (altered, dropped, reordered, truncated, foreign) fails."""
import asyncio
import base64
import json

import httpx
import pytest

import vinet
from vinet._native_loader import chat
from vinet.chat import ChatPrices
from chat_fakes import DELTAS, PRICES, PROMPT_TOKENS, FakeChatNode
from fakes import FakeNet

MODEL = "m" * 64
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
TEXT = "".join(s for _, s in DELTAS)
TOKENS = sum(len(t) for t, _ in DELTAS)
FEE = PRICES["fee_per_inference"] + PROMPT_TOKENS * 1 + TOKENS * 2


@pytest.fixture
def node():
    return FakeChatNode()


def make_client(node, net=None):
    c = vinet.Client("http://node", "http://chain", vinet.Key.generate(), chain_id="fake-chain",
                     node_pubkey=node.node_key.public_key, transport=node.transport())
    c._prices[MODEL] = ChatPrices(PRICES["fee_per_inference"], 1, 2)
    attested = []

    def attest(key):  # stands in for a verified attestation of the fake enclave
        if key != node.enclave_key.public_key:
            raise vinet.VerificationFailed("attestation: not the enclave's key")
        attested.append(key)
    c._attest_enclave = attest
    c.attested = attested
    if net is not None:
        c._http = net
    return c


def test_parse_refuses_naming_the_parameter():
    with pytest.raises(ValueError, match="^unsupported: n"):
        chat.parse_chat_completion(json.dumps({"model": MODEL, "messages": MESSAGES, "n": 2}))
    with pytest.raises(vinet.InvalidRequest, match="messages"):
        vinet.chat.parse_body({"model": MODEL, "messages": [{"role": "robot", "content": "x"}]})


def test_non_streamed_vanilla_is_signed_and_verified(node):
    c = make_client(node)
    r = c.chat(MODEL, MESSAGES, mode="vanilla", max_tokens=16, temperature=0, seed=7)
    assert r.verified and r.text == TEXT and r.mode == "VANILLA"
    assert r.receipt_verified and not r.proof_verified  # VANILLA: the node's signature only
    assert r.usage == {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": TOKENS,
                       "total_tokens": PROMPT_TOKENS + TOKENS}
    assert r.fee == FEE and r.seed == 7 and r.chunks == len(DELTAS)
    (s,) = node.signed
    assert s["kind"] == "chat" and s["mode"] == 0 and s["chain_id"] == "fake-chain"
    assert s["node_pubkey"] == node.node_key.public_key
    assert s["inference_id"].hex() == r.inference_id
    body = {"model": MODEL, "messages": MESSAGES, "max_tokens": 16, "temperature": 0, "seed": 7}
    assert s["input_hash"].hex() == vinet.chat.parse_body(body)["request_hash"]
    assert chat.decode_chat_request(r.canonical)["messages"] == MESSAGES
    # default max fee: every max_tokens and a bound on the prompt, at the chain's prices
    prompt_bound = 32 + sum(len(m["content"]) + 8 for m in MESSAGES)
    assert s["max_fee"] == PRICES["fee_per_inference"] + prompt_bound + 16 * 2


def test_streamed_tee_yields_verified_chunks_and_attests_the_enclave(node):
    c = make_client(node)
    stream = c.chat(MODEL, MESSAGES, stream=True, max_tokens=16)
    got = [(ch.tokens, ch.text) for ch in stream]
    assert got == DELTAS
    r = stream.result
    assert r.verified and r.text == TEXT and r.mode == "TEE" and r.fee == FEE
    assert r.receipt_verified and r.proof_verified and not r.settlement_verified
    assert r.receipt["enclave_key"] == node.enclave_key.public_key.hex()
    assert c.attested == [node.enclave_key.public_key]
    assert r.timings.time_to_first_token is not None


def _tampers():
    def alter_text(lines):  # a signed chunk's text changed
        out = list(lines)
        e = json.loads(out[2][6:])
        e["vinet"]["text"] = "Bye"
        e["choices"][0]["delta"]["content"] = "Bye"
        out[2] = "data: " + json.dumps(e)
        return out

    def alter_shown(lines):  # the signed chunk intact, the text shown to OpenAI clients changed
        out = list(lines)
        e = json.loads(out[2][6:])
        e["choices"][0]["delta"]["content"] = "Bye"
        out[2] = "data: " + json.dumps(e)
        return out

    return {
        "altered": alter_text,
        "shown text altered": alter_shown,
        "dropped": lambda lines: lines[:2] + lines[3:],
        "reordered": lambda lines: lines[:1] + [lines[2], lines[1]] + lines[3:],
        "truncated": lambda lines: lines[:3],
        "no receipt": lambda lines: lines[:1 + len(DELTAS)] + lines[-2:],
    }


@pytest.mark.parametrize("name", list(_tampers()))
def test_streamed_tampering_fails(node, name):
    node.tamper_lines = _tampers()[name]
    c = make_client(node)
    with pytest.raises(vinet.VerificationFailed) as e:
        for _ in c.chat(MODEL, MESSAGES, stream=True, mode="vanilla"):
            pass
    assert e.value.inference_id == node.signed[0]["inference_id"].hex()


def test_foreign_chunk_and_swapped_model_fail(node):
    other = FakeChatNode()
    c = make_client(node)
    # chunks signed by another node's key
    node.node_key, real = other.node_key, node.node_key
    with pytest.raises(vinet.VerificationFailed):
        for _ in c.chat(MODEL, MESSAGES, stream=True, mode="vanilla"):
            pass
    node.node_key = real

    def swap_model(answer):
        answer["vinet"]["receipt"]["model_id"] = "n" * 64
        return answer
    node.tamper_json = swap_model
    with pytest.raises(vinet.VerificationFailed, match="model_id|signature"):
        c.chat(MODEL, MESSAGES, mode="vanilla")


def test_non_streamed_tampering_fails(node):
    c = make_client(node)

    def shown(answer):
        answer["choices"][0]["message"]["content"] = "Bye"
        return answer

    def drop(answer):
        del answer["vinet"]["chunks"][1]
        return answer
    for t in (shown, drop):
        node.tamper_json = t
        with pytest.raises(vinet.VerificationFailed):
            c.chat(MODEL, MESSAGES, mode="tee")


def test_overcharging_node_fails(node):
    node.fee_bias = 1
    c = make_client(node)
    with pytest.raises(vinet.VerificationFailed, match="charge"):
        c.chat(MODEL, MESSAGES, mode="vanilla")


def test_wait_settled_checks_the_charged_fee(node):
    net = FakeNet()
    c = make_client(node, net)
    r = c.chat(MODEL, MESSAGES, mode="vanilla")
    net.claims[r.inference_id] = {"status": "SETTLED", "height": 9, "fee": FEE}
    s = c.wait_settled(r.inference_id, timeout=5)
    assert s.settled and s.fee == FEE
    r2 = c.chat(MODEL, MESSAGES, mode="vanilla")
    net.claims[r2.inference_id] = {"status": "SETTLED", "height": 9, "fee": FEE + 1}
    with pytest.raises(vinet.VerificationFailed, match="charged"):
        c.wait_settled(r2.inference_id, timeout=5)


def test_async_stream(node):
    async def run():
        async with vinet.AsyncClient("http://node", "http://chain", vinet.Key.generate(),
                                     chain_id="fake-chain", node_pubkey=node.node_key.public_key,
                                     transport=node.transport(),
                                     async_transport=httpx.MockTransport(node.handle)) as ac:
            ac._c._prices[MODEL] = ChatPrices(PRICES["fee_per_inference"], 1, 2)
            stream = await ac.chat(MODEL, MESSAGES, stream=True, mode="vanilla")
            got = [ch.text async for ch in stream]
            plain = await ac.chat(MODEL, MESSAGES, mode="vanilla")
            return got, stream.result, plain
    got, result, plain = asyncio.run(run())
    assert "".join(got) == TEXT and result.verified and plain.verified and plain.text == TEXT


def test_signing_http_client_under_openai(node):
    openai = pytest.importorskip("openai")
    http = vinet.signing_http_client(vinet.Key.generate(), mode="vanilla",
                                     transport=node.transport())
    ai = openai.OpenAI(base_url="http://node/v1", api_key="vinet", http_client=http,
                       max_retries=0)
    done = ai.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=8)
    assert done.choices[0].message.content == TEXT
    assert http.vinet.last.verified and http.vinet.last.text == TEXT
    assert http.vinet.last.fee == FEE  # prices from the node's /v1/models (no chain given)
    pieces = [c.choices[0].delta.content for c in ai.chat.completions.create(
        model=MODEL, messages=MESSAGES, stream=True) if c.choices and c.choices[0].delta.content]
    assert "".join(pieces) == TEXT and http.vinet.last.text == TEXT
    assert len(http.vinet.results) == 2
    header = base64.b64decode(http.vinet.client("http://node").sign_chat(
        {"model": MODEL, "messages": MESSAGES}, "vanilla", 100).headers["X-Vinet-Request"])
    assert chat.decode_signed_request(header)["signature_ok"]

    node.tamper_lines = _tampers()["altered"]
    with pytest.raises(vinet.VerificationFailed):
        for _ in ai.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True):
            pass
    node.tamper_json = lambda a: {**a, "choices": [{"index": 0, "finish_reason": "stop",
                                                    "message": {"role": "assistant",
                                                                "content": "Bye"}}]}
    with pytest.raises(openai.UnprocessableEntityError, match="verification"):
        ai.chat.completions.create(model=MODEL, messages=MESSAGES)


def test_stream_verifier_binding_directly():
    key = vinet._native_loader.protocol.Key.generate()
    iid = bytes(range(32))
    s = chat.ChatStreamSigner(iid, key)
    c0, c1 = s.next([1, 2], "ab"), s.next([3], "c")
    v = chat.ChatStreamVerifier(iid, key.public_key)
    with pytest.raises(ValueError):
        v.accept(c1)  # out of order
    v2 = chat.ChatStreamVerifier(iid, key.public_key)
    v2.accept(c0)
    v2.accept(c1)
    assert v2.text_bytes == b"abc" and v2.tokens == [1, 2, 3] and v2.chunks == 2
    assert s.prefix(2)["tokens_hash"] == chat.tokens_hash([1, 2, 3])


@pytest.mark.parametrize("shape", [
    lambda a: {**a, "vinet": 5},
    lambda a: {**a, "choices": "x"},
    lambda a: {**a, "vinet": {**a["vinet"], "chunks": [1, 2]}},
    lambda a: {**a, "vinet": {**a["vinet"], "chunks": [{"index": "x"}]}},
    lambda a: {**a, "vinet": {**a["vinet"], "fee": "many"}},
    lambda a: {**a, "vinet": {**a["vinet"], "receipt": [1]}},
    lambda a: [a],
], ids=["vinet", "choices", "chunk-type", "chunk-field", "fee", "receipt", "list"])
def test_malformed_answers_are_vinet_errors(node, shape):
    node.tamper_json = shape
    c = make_client(node)
    with pytest.raises(vinet.VinetError):
        c.chat(MODEL, MESSAGES, mode="vanilla")


def test_malformed_stream_events_are_vinet_errors(node):
    def bad(lines):
        e = json.loads(lines[2][6:])
        e["choices"] = [{"delta": 5}]
        e["vinet"]["tokens"] = "abc"
        return lines[:2] + ["data: " + json.dumps(e), "data: [1, 2", ": comment"] + lines[3:]
    node.tamper_lines = bad
    c = make_client(node)
    with pytest.raises(vinet.VinetError):
        for _ in c.chat(MODEL, MESSAGES, stream=True, mode="vanilla"):
            pass

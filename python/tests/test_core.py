import base64
import hashlib
import json

import numpy as np
import pytest

import vinet
from vinet import _core
from vinet._native_loader import protocol


def test_build_infer_signs_a_request_the_native_decoder_accepts():
    key = vinet.Key.generate()
    x = np.arange(4, dtype=np.float32)
    node = bytes(range(32))
    payload, iid, arrays, input_hash = _core.build_infer(key, "c1", node, "m1", {"x": x}, "TEE", 7,
                                                         nonce=99, timestamp_ms=1234, ttl_ms=5000)
    req = payload["request"]
    body, pk, sig = (bytes.fromhex(req[k]) for k in ("body", "client_pubkey", "signature"))
    assert pk == key.public_key and protocol.verify_request(body, pk, sig)
    assert iid == hashlib.sha256(b"vinet.request.v2\0" + pk + body).hexdigest()
    assert iid == protocol.inference_id(body, pk).hex()
    fields = protocol.decode_request_body(body, pk, sig)
    assert fields == {"chain_id": "c1", "node_pubkey": node, "model_id": "m1", "mode": 1,
                      "input_hash": input_hash, "max_fee": 7, "nonce": 99, "timestamp_ms": 1234,
                      "expires_ms": 6234}
    assert payload["inputs"]["x"] == {"shape": [4], "dtype": "f32", "data": [0.0, 1.0, 2.0, 3.0]}
    # a changed byte in the body no longer verifies
    bad = bytearray(body)
    bad[-1] ^= 1
    assert not protocol.verify_request(bytes(bad), pk, sig)


def test_fresh_nonces_give_fresh_ids():
    key = vinet.Key.generate()
    ids = {_core.build_infer(key, "c", b"n" * 32, "m", {"x": [1.0]}, "VANILLA", 1)[1]
           for _ in range(20)}
    assert len(ids) == 20


def test_same_body_under_another_client_key_is_another_inference():
    alice, mallory = vinet.Key.generate(), vinet.Key.generate()
    a = _core.build_infer(alice, "c", b"n" * 32, "m", {"x": [1.0]}, "VANILLA", 1, nonce=5,
                          timestamp_ms=10)
    m = _core.build_infer(mallory, "c", b"n" * 32, "m", {"x": [1.0]}, "VANILLA", 1, nonce=5,
                          timestamp_ms=10)
    assert a[0]["request"]["body"] == m[0]["request"]["body"]
    assert a[1] != m[1]


def test_build_infer_needs_a_node_key():
    with pytest.raises(vinet.InvalidRequest):
        _core.build_infer(vinet.Key.generate(), "c", b"short", "m", {"x": [1.0]}, "VANILLA", 1)


@pytest.mark.parametrize("status,code,cls", [
    (400, "invalid_argument", vinet.InvalidRequest), (400, "parse", vinet.InvalidRequest),
    (401, "unauthenticated", vinet.AuthenticationFailed),
    (402, "insufficient_funds", vinet.InsufficientFunds),
    (503, "unavailable", vinet.NodeUnavailable), (500, "internal", vinet.NodeUnavailable),
    (504, "timeout", vinet.Timeout), (400, "unsupported", vinet.ModeNotServed),
    (409, "already_exists", vinet.NodeError), (418, "teapot", vinet.InvalidRequest),
])
def test_error_codes_map_to_types(status, code, cls):
    err = _core.parse_error(status, json.dumps({"error": {"code": code, "message": "why"}}))
    assert type(err) is cls and err.code == code and err.http_status == status
    assert "why" in str(err) and isinstance(err, vinet.VinetError)


def test_not_found_is_model_not_found_only_for_infer():
    body = json.dumps({"error": {"code": "not_found", "message": "model x"}})
    assert type(_core.parse_error(404, body, infer=True)) is vinet.ModelNotFound
    assert type(_core.parse_error(404, body)) is vinet.NotFound
    assert type(_core.parse_error(503, "<html>busy</html>")) is vinet.NodeUnavailable
    assert type(_core.parse_error(500, "garbage")) is vinet.NodeUnavailable
    assert type(_core.parse_error(400, "garbage")) is vinet.InvalidRequest
    assert type(_core.parse_error(413, "")) is vinet.InputTooLarge


def test_parse_infer_rejects_an_answer_for_another_inference():
    with pytest.raises(vinet.VerificationFailed):
        _core.parse_infer({"inference_id": "00" * 32, "outputs": {}, "receipt": {}}, "11" * 32)
    with pytest.raises(vinet.NodeError):
        _core.parse_infer({"inference_id": "11" * 32}, "11" * 32)


def test_claim_query_answers():
    claim = {"status": "SETTLED", "height": 12}
    value = base64.b64encode(json.dumps(claim).encode()).decode()
    assert _core.claim_from_query({"result": {"response": {"code": 0, "value": value}}}) == claim
    assert _core.claim_from_query({"result": {"response": {"code": 3}}}) is None
    with pytest.raises(vinet.ChainError):
        _core.claim_from_query({"result": {"response": {"code": 100, "log": "boom"}}})
    assert _core.is_final(claim) and not _core.is_final({"status": "PENDING"})
    assert not _core.is_final(None)


def _event(iid, status, height):
    return {"type": "vinet.claim", "attributes": [
        {"key": "id", "value": iid, "index": True}, {"key": "status", "value": status},
        {"key": "height", "value": str(height)}, {"key": "mode", "value": "TEE"}]}


def test_settlement_from_a_batch_event_picks_our_claim():
    ours, other = "aa" * 32, "bb" * 32
    msg = {"jsonrpc": "2.0", "id": 1, "result": {
        "query": "q", "data": {"type": "tendermint/event/Tx", "value": {"TxResult": {
            "height": "40", "result": {"events": [_event(other, "REJECTED", 40),
                                                  _event(ours, "SETTLED", 40)]}}}},
        "events": {"tx.hash": ["CAFE"], "vinet.claim.id": [other, ours]}}}
    assert _core.settlement_from_ws(msg, ours) == ("SETTLED", 40, "CAFE", None)
    assert _core.settlement_from_ws(msg, other) == ("REJECTED", 40, "CAFE", None)
    assert _core.settlement_from_ws(msg, "cc" * 32) is None
    assert _core.settlement_from_ws({"jsonrpc": "2.0", "id": 1, "result": {}}, ours) is None


def test_header_events_name_their_height_and_nothing_else_does():
    sub = json.loads(_core.header_subscribe_request())
    assert sub["method"] == "subscribe" and sub["id"] == 2
    assert sub["params"]["query"] == "tm.event='NewBlockHeader'"
    header = {"jsonrpc": "2.0", "id": 2, "result": {"query": "q", "data": {
        "type": "tendermint/event/NewBlockHeader",
        "value": {"header": {"height": "41", "app_hash": "AB"}}}}}
    assert _core.header_height_from_ws_text(json.dumps(header)) == 41
    tx = {"jsonrpc": "2.0", "id": 1, "result": {"data": {
        "type": "tendermint/event/Tx", "value": {"TxResult": {"height": "41"}}}}}
    assert _core.header_height_from_ws_text(json.dumps(tx)) is None
    assert _core.header_height_from_ws_text('{"jsonrpc": "2.0", "id": 2, "result": {}}') is None
    header["result"]["data"]["value"]["header"]["height"] = "x"
    assert _core.header_height_from_ws_text(json.dumps(header)) is None
    with pytest.raises(vinet.ChainUnavailable):
        _core.header_height_from_ws_text('{"error": {"code": -32603, "message": "too many"}}')
    assert _core.latest_height({"result": {"sync_info": {"latest_block_height": "77"}}}) == 77
    assert _core.latest_height({"result": {}}) == 0
    assert _core.latest_height({"result": {"sync_info": {"latest_block_height": None}}}) == 0


def test_subscription_query_and_urls():
    sub = json.loads(_core.subscribe_request("ab" * 32))
    assert sub["method"] == "subscribe"
    assert sub["params"]["query"] == f"tm.event='Tx' AND vinet.claim.id='{'ab' * 32}'"
    assert _core.ws_url("http://127.0.0.1:26657") == "ws://127.0.0.1:26657/websocket"
    assert _core.ws_url("https://rpc.example/") == "wss://rpc.example/websocket"
    with pytest.raises(vinet.InvalidRequest):
        _core.check_inference_id("xyz")


def test_roots_from_text_and_file(tmp_path):
    pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    path = tmp_path / "root.pem"
    path.write_text(pem)
    assert _core.load_roots(None) is None
    assert _core.load_roots(pem) == [pem]
    assert _core.load_roots(str(path)) == [pem]
    assert _core.load_roots([path, pem]) == [pem, pem]


def test_parse_models_refuses_malformed_entries_as_node_errors():
    for bad in ([{"inputs": {}}], [{"id": "m", "inputs": {"x": "no"}}], [5],
                {"data": [{"id": "m", "inputs": {"x": [1, None]}}]}):
        with pytest.raises(vinet.NodeError, match="models"):
            _core.parse_models(bad)
    (m,) = _core.parse_models([{"id": "m", "modes": ["vanilla", "QUANTUM"],
                                "refused": {"TEE": {"code": "unavailable"}, "X": {}}}])
    assert m.modes == ["VANILLA"] and set(m.refused) == {"TEE"}

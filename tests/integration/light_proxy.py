"""A lying CometBFT RPC for the light-client tests: an HTTP proxy in front of a
real validator's RPC that rewrites chosen answers (JSON-RPC over GET, as the
SDKs and our light client use it, and over POST, as `cometbft light` does).
Websocket upgrades are tunnelled unchanged.

Modes (``proxy.mode``):
  honest           forward unchanged
  flip_reported    /claim answers without a proof say REJECTED instead of SETTLED
  flip_proven      also the proven claim bytes say REJECTED (status byte rewritten)
  minority         /commit answers above ``from_height`` keep only the first
                   validator's signature (a header signed by a minority)
  app_hash         /commit answers above ``from_height`` carry another app hash
  truncate_proof   proven answers lose the last bytes of their proof
  future_height    /claim answers report a settlement at ``FUTURE`` and the
                   proven answer for that height is the real latest one, relabelled
"""
import base64
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

FUTURE = 10_000_000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LyingRpc:
    def __init__(self, upstream):
        self.upstream = upstream.rstrip("/")
        self.mode = "honest"
        self.from_height = 0
        self.requests = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                if self.headers.get("Upgrade", "").lower() == "websocket":
                    return proxy.tunnel(self)
                status, body = proxy.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, body = proxy.answer_post(raw)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ------------------------------------------------------------ rewriting

    def answer(self, path):
        self.requests.append(path)
        url = urllib.parse.urlsplit(path)
        params = dict(urllib.parse.parse_qsl(url.query))
        asked_future = (url.path == "/abci_query" and self.mode == "future_height"
                        and params.get("height") == str(FUTURE))
        if asked_future:
            path = url.path + "?" + urllib.parse.urlencode({**params, "height": "0"})
        r = requests.get(self.upstream + path, timeout=10)
        try:
            doc = r.json()
        except ValueError:
            return r.status_code, r.content
        result = doc.get("result")
        if isinstance(result, dict):
            if url.path == "/abci_query":
                self.rewrite_query(result.get("response", {}), params)
                if asked_future:
                    result["response"]["height"] = str(FUTURE)
            elif url.path == "/commit":
                self.rewrite_commit(result.get("signed_header", {}))
        return r.status_code, json.dumps(doc).encode()

    def tunnel(self, handler):
        """Websocket upgrades (events) pass through unchanged, byte for byte."""
        up = urllib.parse.urlsplit(self.upstream)
        sock = socket.create_connection((up.hostname, up.port), timeout=10)
        head = f"{handler.command} {handler.path} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in handler.headers.items()) + "\r\n"
        sock.sendall(head.encode())
        client = handler.connection
        sock.settimeout(None)
        client.settimeout(None)

        def pump(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s_ in (src, dst):
                    try:
                        s_.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        t = threading.Thread(target=pump, args=(sock, client), daemon=True)
        t.start()
        pump(client, sock)
        t.join(timeout=5)
        sock.close()
        handler.close_connection = True

    def answer_post(self, raw):
        """JSON-RPC over POST (CometBFT's own light client): the same rewrites."""
        r = requests.post(self.upstream, data=raw, headers={"Content-Type": "application/json"},
                          timeout=10)
        try:
            doc, req = r.json(), json.loads(raw)
        except ValueError:
            return r.status_code, r.content
        pairs = zip(req, doc) if isinstance(req, list) and isinstance(doc, list) else [(req, doc)]
        for q, a in pairs:
            result = a.get("result") if isinstance(a, dict) else None
            if isinstance(result, dict) and q.get("method") == "commit":
                self.rewrite_commit(result.get("signed_header", {}))
        return r.status_code, json.dumps(doc).encode()

    def rewrite_query(self, resp, params):
        if not str(params.get("path", "")).strip('"').startswith("/claim/"):
            return
        proved = params.get("prove") == "true"
        if not proved and resp.get("value"):
            claim = json.loads(base64.b64decode(resp["value"]))
            if self.mode in ("flip_reported", "flip_proven") and claim.get("status") == "SETTLED":
                claim["status"] = "REJECTED"
            if self.mode == "future_height":
                claim["height"] = FUTURE
            resp["value"] = base64.b64encode(json.dumps(claim).encode()).decode()
        if proved and resp.get("value") and self.mode == "flip_proven":
            raw = bytearray(base64.b64decode(resp["value"]))
            i = raw.find(b"\x10\x01")  # field 2 (status) = SETTLED
            if i >= 0:
                raw[i + 1] = 2  # REJECTED
            resp["value"] = base64.b64encode(bytes(raw)).decode()
        if proved and self.mode == "truncate_proof":
            for op in (resp.get("proofOps") or resp.get("proof_ops") or {}).get("ops", []):
                data = base64.b64decode(op["data"])
                op["data"] = base64.b64encode(data[:-9]).decode()

    def rewrite_commit(self, sh):
        header = sh.get("header", {})
        if int(header.get("height", 0)) <= self.from_height:
            return
        if self.mode == "minority":
            sigs = sh["commit"]["signatures"]
            for i in range(1, len(sigs)):
                sigs[i] = {"block_id_flag": 1, "validator_address": "",
                           "timestamp": "0001-01-01T00:00:00Z", "signature": None}
        elif self.mode == "app_hash":
            h = header["app_hash"]
            header["app_hash"] = ("0" if h[:1] != "0" else "1") + h[1:]

"""A stand-in for CometBFT's /websocket, for chain_events_test.cpp.

Usage: ws_test_server.py MODE. Prints its port, then serves until stdin
closes. Each connection must send a JSON-RPC `subscribe` whose query names
`vinet.claim.id='<id>'`; the server acknowledges and then, by MODE:
  event            an event for another claim, then SETTLED for <id>
  pending          PENDING for <id>, then SETTLED for <id>
  drop-then-event  first connection: dropped without a close frame after the
                   ack; later ones: as `event`
  error            answers the subscribe with a JSON-RPC error
  silent           acknowledges and sends nothing
"""
import asyncio
import json
import os
import sys

from websockets.asyncio.server import serve

MODE = sys.argv[1]
connections = 0


def event(inference_id, status, height):
    attrs = [{"key": "id", "value": inference_id, "index": True},
             {"key": "status", "value": status, "index": True},
             {"key": "height", "value": str(height), "index": True}]
    return {"jsonrpc": "2.0", "id": 1, "result": {
        "query": "q", "data": {"type": "tendermint/event/Tx", "value": {"TxResult": {
            "height": str(height), "tx": "", "result": {
                "events": [{"type": "transfer", "attributes": []},
                           {"type": "vinet.claim", "attributes": attrs}]}}}},
        "events": {"tx.hash": ["AB" * 32], "vinet.claim.id": [inference_id]}}}


async def handler(ws):
    global connections
    connections += 1
    first = connections == 1
    call = json.loads(await ws.recv())
    iid = call["params"]["query"].split("vinet.claim.id='")[1].split("'")[0]
    if MODE == "error":
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": call["id"],
                                  "error": {"code": -32603, "message": "too many subscriptions"}}))
        return
    await ws.send(json.dumps({"jsonrpc": "2.0", "id": call["id"], "result": {}}))
    if MODE == "silent":
        await asyncio.sleep(30)
        return
    if MODE == "drop-then-event" and first:
        await asyncio.sleep(0.05)
        ws.transport.abort()
        return
    await asyncio.sleep(0.1)
    if MODE == "pending":
        await ws.send(json.dumps(event(iid, "PENDING", 6)))
    else:
        await ws.send(json.dumps(event("00" * 32, "REJECTED", 6)))
    await ws.send(json.dumps(event(iid, "SETTLED", 7)))
    await asyncio.sleep(30)


async def main():
    async with serve(handler, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(port, flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)
        os._exit(0)  # do not wait for handlers still sleeping


asyncio.run(main())

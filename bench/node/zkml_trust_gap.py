#!/usr/bin/env python3
"""ZKML trust gap and inline-proof latency on a devnet (real processes).

Starts a devnet (default: 4 validators, 1 s blocks) whose inference node
serves MODEL (default: the ZKML demo MLP, scripts/make_demo_model.py --zkml;
any ONNX model the ZKML circuits prove, e.g. LeNet-5 once CNNs are provable),
then measures with the Python SDK:

- async ZKML: answer latency, and trust gap = from the answer to the client's
  VERIFIED settlement (what ``wait_settled`` returns: the claim proven against
  an app-hash certificate of block H signed by > 2/3 of H's validators, or,
  with --signers primary or an SDK without certificates, the light-client-verified
  header H+1), for --count inferences sent --concurrency at a time; split into
  "seen" (answer -> the SETTLED event on the websocket, block H) and "proof"
  (-> the app hash verified, the proof checked); "certified" counts the
  settlements verified through a certificate;
- the block interval over the run (header times) and the devnet's CPU time
  (validators, apps, node, enclave: utime+stime from /proc) per settled inference;
- inline (wait="proof"): answer latency with the proof, and local verification.

Prints p50/p99 and the load average; --json for a machine-readable line.

    PYTHONPATH=python python3 bench/node/zkml_trust_gap.py [--model M.onnx] [--count 50]
        [--private-weights] [--regime conjectured]   (kind 7: zero knowledge)
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# VINET_SDK: another checkout's python/ (A/B runs against an older SDK).
sys.path.insert(0, os.environ.get("VINET_SDK", os.path.join(ROOT, "python")))
import vinet  # noqa: E402
from vinet.devnet import devnet_status, devnet_urls  # noqa: E402


def pct(values, p):
    return float(np.percentile(np.asarray(values), p)) if values else float("nan")


def cpu_seconds(pids):
    """utime+stime of the processes `pids` (those still alive), in seconds."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def devnet_pids(status):
    pids = [(status.get("node") or {}).get("pid"), (status.get("enclave") or {}).get("pid")]
    for v in status.get("validators") or []:
        pids += [v.get("app_pid"), v.get("comet_pid")]
    return [p for p in pids if p]


def block_interval(c, chain_url, first, last):
    """Median seconds between consecutive block header times in [first, last]."""
    times = []
    for lo in range(max(1, first), last + 1, 20):
        hi = min(last, lo + 19)
        body = c._http.get(f"{chain_url}/blockchain", params={"minHeight": lo, "maxHeight": hi},
                           timeout=10).json()
        for m in body["result"]["block_metas"]:
            t = m["header"]["time"]  # RFC 3339 with nanoseconds
            base, frac = t.rstrip("Z").split(".") if "." in t else (t.rstrip("Z"), "0")
            secs = time.mktime(time.strptime(base, "%Y-%m-%dT%H:%M:%S"))
            times.append((int(m["header"]["height"]), secs + float("0." + frac)))
    times.sort()
    deltas = [b[1] - a[1] for a, b in zip(times, times[1:]) if b[0] == a[0] + 1]
    return pct(deltas, 50), pct(deltas, 99)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="ONNX model (default: the ZKML demo MLP)")
    ap.add_argument("--validators", type=int, default=4)
    ap.add_argument("--block-time", default="1s")
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--inline", type=int, default=20, help="inline-proof inferences")
    ap.add_argument("--prover-threads", type=int, default=1)
    ap.add_argument("--private-weights", action="store_true",
                    help="commit the model with a zero-knowledge key (devnet up --zkml-private-weights)")
    ap.add_argument("--regime", choices=["johnson", "conjectured"], default="johnson",
                    help="the key's query-count regime (conjectured: kinds 6 / 7; the devnet "
                         "opts in with allow_conjectured_zkml_keys)")
    ap.add_argument("--vinet", default=os.environ.get(
        "VINET_BIN", os.path.join(ROOT, "build/release/src/cli/vinet")))
    ap.add_argument("--signers", choices=["all", "primary"], default="all",
                    help="RPCs asked for app-hash signatures: every validator's (default) or "
                         "only the primary's (then too few sign: header H+1)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="zkml_bench_")
    net = os.path.join(work, "net")
    model = args.model
    if not model:
        model = os.path.join(work, "mlp_zkml.onnx")
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts/make_demo_model.py"), "--zkml",
                        model], check=True)
    env = dict(os.environ, PATH=os.path.expanduser("~/go/bin") + ":/root/go/bin:" + os.environ["PATH"])
    key = ["--zkml-regime", args.regime] + (["--zkml-private-weights"] if args.private_weights
                                            else [])
    if args.regime == "conjectured":
        key += ["--param", "allow_conjectured_zkml_keys=true"]
    subprocess.run([args.vinet, "devnet", "up", "--devnet", net, "--validators",
                    str(args.validators), "--block-time", args.block_time, "--model", model,
                    "--prover-threads", str(args.prover_threads)] + key,
                   check=True, env=env, stdout=subprocess.DEVNULL)
    try:
        status = devnet_status(net, args.vinet)
        if not status.get("zkml_models"):
            print(f"{model}: not provable by the ZKML circuits (devnet registered it without ZKML)",
                  file=sys.stderr)
            return 1
        model_id = status["zkml_models"][0]
        urls = devnet_urls(status)
        # An SDK without app-hash certificates (an A/B against an older checkout) has no signers.
        kw = {"signers": urls["signers"] if args.signers == "all" else []} \
            if "signers" in urls else {}
        with vinet.Client(urls["node_url"], urls["chain_url"], urls["dev_key"],
                          roots=vinet.devnet_roots(net), **kw) as c:
            info = next(m for m in c.models() if m.model_id == model_id)
            name, dims = next(iter(info.inputs.items()))
            shape = [max(1, d) for d in dims]
            rng = np.random.default_rng(5)

            def one(i):
                x = {name: rng.standard_normal(shape).astype(np.float32)}
                r = c.infer(model_id, x, mode="zkml")
                # wait_settled's two steps, timed apart: the event, then its proof.
                seen = c._wait_settled(r.inference_id, 120)
                s = c._prove_settlement(seen, 60)
                return (r.timings.latency_ms, s.trust_gap, s.status, seen.trust_gap, s.height,
                        getattr(s, "certified", False))

            c.infer(model_id, {name: np.zeros(shape, np.float32)}, mode="zkml")  # warm-up
            pids = devnet_pids(status)
            cpu0, client_cpu0 = cpu_seconds(pids), time.process_time()
            t0 = time.time()
            with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
                runs = list(pool.map(one, range(args.count)))
            wall = time.time() - t0
            cpu, client_cpu = cpu_seconds(pids) - cpu0, time.process_time() - client_cpu0
            answers = [r[0] for r in runs]
            gaps = [r[1] for r in runs if r[2] == "SETTLED"]
            seen = [r[3] for r in runs if r[2] == "SETTLED"]
            heights = [r[4] for r in runs if r[4]]
            interval = block_interval(c, urls["chain_url"], min(heights), max(heights)) \
                if heights else (float("nan"), float("nan"))
            inline, verify = [], []
            for i in range(args.inline):
                x = {name: rng.standard_normal(shape).astype(np.float32)}
                r = c.infer(model_id, x, mode="zkml", wait="proof", verify=False)
                inline.append(r.timings.latency_ms)
                v = time.perf_counter()
                r.verify()
                verify.append((time.perf_counter() - v) * 1000)
            metrics = c._http.get(urls["node_url"] + "/metrics", timeout=5).text
        prove = [l for l in metrics.splitlines() if l.startswith("vinet_node_prove_seconds_sum{mode=\"zkml\"}")
                 or l.startswith("vinet_node_prove_seconds_count{mode=\"zkml\"}")]
        vals = {l.split("{")[0]: float(l.split()[-1]) for l in prove}
        prove_ms = 1000 * vals.get("vinet_node_prove_seconds_sum", 0) / max(1, vals.get(
            "vinet_node_prove_seconds_count", 1))
        out = {"model": os.path.basename(model), "validators": args.validators,
               "block_time": args.block_time, "count": args.count, "settled": len(gaps),
               "concurrency": args.concurrency, "wall_s": round(wall, 2),
               "answer_ms_p50": round(pct(answers, 50), 1), "answer_ms_p99": round(pct(answers, 99), 1),
               "settled_per_s": round(len(gaps) / wall, 2),
               "certified": sum(1 for r in runs if r[5]), "signers": args.signers,
               "trust_gap_s_p50": round(pct(gaps, 50), 3), "trust_gap_s_p99": round(pct(gaps, 99), 3),
               "seen_s_p50": round(pct(seen, 50), 3), "seen_s_p99": round(pct(seen, 99), 3),
               "block_interval_s_p50": round(interval[0], 3),
               "block_interval_s_p99": round(interval[1], 3),
               "devnet_cpu_ms_per_settled": round(1000 * cpu / max(1, len(gaps)), 1),
               "client_cpu_ms_per_settled": round(1000 * client_cpu / max(1, len(gaps)), 1),
               "prove_ms_mean": round(prove_ms, 1),
               "inline_answer_ms_p50": round(pct(inline, 50), 1),
               "inline_answer_ms_p99": round(pct(inline, 99), 1),
               "local_verify_ms_p50": round(pct(verify, 50), 2),
               "loadavg": [round(v, 2) for v in os.getloadavg()]}
        if args.json:
            print(json.dumps(out))
        else:
            for k, v in out.items():
                print(f"{k:22} {v}")
        return 0
    finally:
        subprocess.run([args.vinet, "devnet", "down", "--devnet", net, "--clean"], env=env,
                       stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""vinet vs onnxruntime, like for like, in one run.

Both runtimes are called from Python on the same numpy arrays (vinet through
the pybind11 module vinet._native), with the same thread count, on the four
reference models (tests/integration/onnx_models.py). Reports batch-1 latency
(median and p90 over timed single calls) and batch-64 throughput, and the
ratio vinet / onnxruntime. With --cpp it also runs the pure C++ benchmark
(build/release/bench/bench_runtime) on the same model files, and with
--profile it prints where vinet's time goes per op type.

Usage: python3 bench/runtime/compare_onnxruntime.py [--threads 1] [--seconds 1.0] [--cpp] [--profile]
"""
from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "build" / "release" / "python"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))

import onnxruntime as ort  # noqa: E402
import onnx_models as om  # noqa: E402
from vinet import _native  # noqa: E402


def time_calls(fn, seconds, min_calls=20):
    for _ in range(20):  # warm-up: plans, caches, OpenBLAS threads
        fn()
    samples = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(samples) < min_calls:
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return statistics.median(samples), samples[int(0.9 * (len(samples) - 1))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--cpp", action="store_true", help="also run bench_runtime (pure C++)")
    ap.add_argument("--profile", action="store_true", help="per-op time breakdown of vinet")
    args = ap.parse_args()

    _native.set_blas_threads(args.threads)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="vinet-bench-"))
    rows = []
    print(f"threads={args.threads}  onnxruntime {ort.__version__}  numpy {np.__version__}")
    print(f"{'model':18} {'ort b1 us':>10} {'vinet b1 us':>11} {'ratio':>6} {'ort b64/s':>10} {'vinet b64/s':>11} {'ratio':>6}")
    for name, (build, sample) in om.WHOLE_MODELS.items():
        model = build()
        om.save(model, tmp / f"{name}.onnx")
        data = model.SerializeToString()
        sess = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
        vm = _native.Model.from_bytes(data)
        ctx = vm.context()
        row = {"model": name}
        for batch in (1, 64):
            x = om.random_input(sample, batch, 1)
            feeds = {"x": x}
            np.testing.assert_allclose(ctx.run(feeds)["y"], sess.run(None, feeds)[0], rtol=1e-3, atol=1e-3)
            ort_med, ort_p90 = time_calls(lambda: sess.run(None, feeds), args.seconds)
            vin_med, vin_p90 = time_calls(lambda: ctx.run(feeds), args.seconds)
            row[f"b{batch}"] = {"ort_median_s": ort_med, "ort_p90_s": ort_p90,
                                "vinet_median_s": vin_med, "vinet_p90_s": vin_p90}
        b1, b64 = row["b1"], row["b64"]
        rows.append(row)
        print(f"{name:18} {b1['ort_median_s'] * 1e6:10.1f} {b1['vinet_median_s'] * 1e6:11.1f} "
              f"{b1['vinet_median_s'] / b1['ort_median_s']:6.2f} {64 / b64['ort_median_s']:10.0f} "
              f"{64 / b64['vinet_median_s']:11.0f} {b64['ort_median_s'] / b64['vinet_median_s']:6.2f}")
    print("ratio columns: latency vinet/ort (lower is better), throughput vinet/ort (higher is better)")

    if args.profile:
        for name, (build, sample) in om.WHOLE_MODELS.items():
            print(f"\nprofile {name} (batch 1 and 64, share of vinet run time by op type):")
            print_profile(tmp / f"{name}.onnx", sample)

    if args.cpp:
        exe = ROOT / "build" / "release" / "bench" / "bench_runtime"
        out = subprocess.run([str(exe), "--benchmark_filter=BM_Model", "--benchmark_format=json",
                              "--benchmark_min_time=0.5"],
                             env={"VINET_RUNTIME_BENCH_DIR": str(tmp)}, capture_output=True, text=True, check=True)
        print("\npure C++ (ExecutionContext::RunInPlace, no Python):")
        for b in json.loads(out.stdout)["benchmarks"]:
            print(f"  {b['name']:40} wall {b['real_time']:10.1f} us   cpu {b['cpu_time']:10.1f} us   "
                  f"{b.get('samples/s', 0):10.0f} samples/s (per cpu second)")
    json.dump(rows, open(tmp / "results.json", "w"), indent=1)
    print(f"\nraw numbers: {tmp / 'results.json'}")


def print_profile(path, sample):
    # ExecutionContext's per-op profiler, through bench_runtime --profile.
    exe = ROOT / "build" / "release" / "bench" / "bench_runtime"
    out = subprocess.run([str(exe), "--profile", str(path)], capture_output=True, text=True)
    print(out.stdout.rstrip() or out.stderr.rstrip())


if __name__ == "__main__":
    main()

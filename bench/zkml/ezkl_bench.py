"""EZKL reference run (not in CI): python3 bench/zkml/ezkl_bench.py MODEL.onnx [REPS] [TARGET]

Flow per the spec: gen_settings -> calibrate_settings (TARGET "resources" or
"accuracy") -> compile_circuit -> gen_srs (test SRS, offline) -> setup, then
REPS x (gen_witness -> prove -> verify). RAYON_NUM_THREADS=2 is set before
ezkl is imported. Prints one JSON line: setup and median per-proof times (wall
and process CPU, all threads), proof and key bytes, the load average. Input:
one N(0,1) sample (seed 500), as zkml_bench.
"""
from __future__ import annotations

import json
import os
import pathlib
import statistics
import sys
import tempfile
import time

os.environ.setdefault("RAYON_NUM_THREADS", "2")

import ezkl  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402


def explicit_window_attributes(proto):
    """EZKL's ONNX importer needs strides/pads/dilations spelled out on Conv and pools."""
    from onnx import helper
    for node in proto.graph.node:
        if node.op_type not in ("Conv", "MaxPool", "AveragePool"):
            continue
        have = {a.name for a in node.attribute}
        kernel = next((list(a.ints) for a in node.attribute if a.name == "kernel_shape"), None)
        if kernel is None:  # Conv: from the weight initializer
            w = next(i for i in proto.graph.initializer if i.name == node.input[1])
            kernel = list(w.dims[2:])
        rank = len(kernel)
        defaults = {"strides": [1] * rank, "pads": [0] * (2 * rank)}
        if node.op_type == "Conv":
            defaults["dilations"] = [1] * rank
        for name, value in defaults.items():
            if name not in have:
                node.attribute.append(helper.make_attribute(name, value))


def accuracy(model, x, witness_path):
    """Max |EZKL output - float32 onnxruntime output| (from the witness's rescaled outputs)."""
    try:
        import onnxruntime as ort
        sess = ort.InferenceSession(model)
        ref = np.asarray(sess.run(None, {sess.get_inputs()[0].name: x})[0], dtype=np.float64).reshape(-1)
        w = json.loads(pathlib.Path(witness_path).read_text())
        out = w.get("pretty_elements", {}).get("rescaled_outputs")
        got = np.asarray([float(v) for v in out[0]], dtype=np.float64)
        return {"max_abs_err": float(np.max(np.abs(got - ref))), "ref_max_abs": float(np.max(np.abs(ref))),
                "argmax_equal": bool(np.argmax(got) == np.argmax(ref))}
    except Exception as e:  # noqa: BLE001 - report, do not fail the timing run
        return {"error": repr(e)}


def main():
    model = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    target = sys.argv[3] if len(sys.argv) > 3 else "resources"
    d = pathlib.Path(tempfile.mkdtemp(prefix="ezkl_"))
    # EZKL needs concrete shapes: fix the symbolic batch dimension to 1.
    proto = onnx.load(model)
    for v in list(proto.graph.input) + list(proto.graph.output):
        for dim in v.type.tensor_type.shape.dim:
            if not dim.dim_value:
                dim.dim_value = 1
    explicit_window_attributes(proto)
    model = str(d / "model.onnx")
    onnx.save(proto, model)
    dims = [x.dim_value for x in proto.graph.input[0].type.tensor_type.shape.dim]
    rng = np.random.default_rng(500)
    x = rng.normal(0, 1, size=dims).astype(np.float32)
    (d / "input.json").write_text(json.dumps({"input_data": [x.reshape(-1).tolist()]}))
    cal = rng.normal(0, 1, size=dims).astype(np.float32)
    (d / "cal.json").write_text(json.dumps({"input_data": [cal.reshape(-1).tolist()]}))
    p = {k: str(d / k) for k in ["settings.json", "model.compiled", "kzg.srs", "vk.key", "pk.key",
                                 "witness.json", "proof.json"]}
    t0 = time.perf_counter()
    ezkl.gen_settings(model, p["settings.json"])
    ezkl.calibrate_settings(str(d / "cal.json"), model, p["settings.json"], target)
    ezkl.compile_circuit(model, p["model.compiled"], p["settings.json"])
    logrows = json.loads(pathlib.Path(p["settings.json"]).read_text())["run_args"]["logrows"]
    ezkl.gen_srs(p["kzg.srs"], logrows)
    ezkl.setup(p["model.compiled"], p["vk.key"], p["pk.key"], p["kzg.srs"])
    setup = time.perf_counter() - t0
    print(json.dumps({"progress": "setup", "setup_s": round(setup, 2), "logrows": logrows}), flush=True)
    prove, prove_cpu, verify = [], [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()  # process CPU: all rayon threads
        ezkl.gen_witness(str(d / "input.json"), p["model.compiled"], p["witness.json"])
        ezkl.prove(p["witness.json"], p["model.compiled"], p["pk.key"], p["proof.json"], p["kzg.srs"])
        prove.append(time.perf_counter() - t0)
        prove_cpu.append(time.process_time() - c0)
        t0 = time.perf_counter()
        assert ezkl.verify(p["proof.json"], p["settings.json"], p["vk.key"], p["kzg.srs"])
        verify.append(time.perf_counter() - t0)
        print(json.dumps({"progress": "rep", "prove_s": round(prove[-1], 3),
                          "prove_cpu_s": round(prove_cpu[-1], 3),
                          "verify_ms": round(1000 * verify[-1], 1)}), flush=True)
    print(json.dumps({"accuracy": accuracy(model, x, p["witness.json"])}), flush=True)
    proof = json.loads(pathlib.Path(p["proof.json"]).read_text())
    proof_bytes = len(bytes.fromhex(proof["proof"][2:] if proof["proof"].startswith("0x") else proof["proof"])) \
        if isinstance(proof.get("proof"), str) else len(proof.get("proof", []))
    print(json.dumps({"model": sys.argv[1], "target": target, "logrows": logrows, "setup_s": round(setup, 2),
                      "prove_s": round(statistics.median(prove), 3),
                      "prove_cpu_s": round(statistics.median(prove_cpu), 3),
                      "load_avg": open("/proc/loadavg").read().split()[:3],
                      "verify_ms": round(1000 * statistics.median(verify), 1),
                      "proof_bytes": proof_bytes, "vk_bytes": os.path.getsize(p["vk.key"]),
                      "pk_bytes": os.path.getsize(p["pk.key"])}))


if __name__ == "__main__":
    main()

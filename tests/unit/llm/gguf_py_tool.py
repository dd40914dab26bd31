#!/usr/bin/env python3
"""The `gguf` PyPI package as a second opinion for the C++ GGUF reader tests.

  gguf_py_tool.py write PATH [ALIGNMENT]  writes a small file with every value
                                          type and tensors of several types
  gguf_py_tool.py dump PATH               prints, as JSON, what gguf.GGUFReader
                                          reads: metadata and tensor infos
"""
import hashlib
import json
import sys

import numpy as np
import gguf
from gguf import GGUFValueType as V, GGMLQuantizationType as T


def write(path, alignment):
    rng = np.random.default_rng(1234)
    w = gguf.GGUFWriter(path, "llama")
    if alignment:
        w.add_custom_alignment(alignment)
    w.add_name("py-written")
    w.add_context_length(4096)
    w.add_key_value("test.u8", 250, V.UINT8)
    w.add_key_value("test.i8", -100, V.INT8)
    w.add_key_value("test.u16", 65000, V.UINT16)
    w.add_key_value("test.i16", -32000, V.INT16)
    w.add_key_value("test.i32", -2000000000, V.INT32)
    w.add_key_value("test.u64", 2**64 - 5, V.UINT64)
    w.add_key_value("test.i64", -(2**62), V.INT64)
    w.add_key_value("test.f32", 0.1, V.FLOAT32)
    w.add_key_value("test.f64", 0.1, V.FLOAT64)
    w.add_key_value("test.bool", False, V.BOOL)
    w.add_key_value("test.unicode", "h\u00e9llo \u4e16\u754c \U0001f600", V.STRING)
    w.add_key_value("test.strings", ["", "a b", "\u0120the", "<|im_end|>"], V.ARRAY,
                    sub_type=V.STRING)
    w.add_key_value("test.floats", [1.5, -2.25, 3e-8], V.ARRAY, sub_type=V.FLOAT32)
    w.add_key_value("test.ints", [1, -2, 3], V.ARRAY, sub_type=V.INT32)
    w.add_key_value("test.u8s", [0, 255, 7], V.ARRAY, sub_type=V.UINT8)

    w.add_tensor("f32.weight", rng.standard_normal((3, 64), dtype=np.float32))
    w.add_tensor("f16.weight", rng.standard_normal((2, 5, 7)).astype(np.float16))
    for qt in (T.Q8_0, T.Q4_0, T.Q4_1, T.BF16):
        x = rng.standard_normal((4, 512), dtype=np.float32)
        q = gguf.quants.quantize(x, qt)
        w.add_tensor(f"{qt.name.lower()}.weight", q, raw_shape=q.shape, raw_dtype=qt)
    # The package cannot quantize k-quants: random blocks of the right size.
    for qt in (T.Q4_K, T.Q6_K):
        block_elems, block_bytes = gguf.GGML_QUANT_SIZES[qt]
        q = rng.integers(0, 256, size=(3, 512 // block_elems * block_bytes), dtype=np.uint8)
        w.add_tensor(f"{qt.name.lower()}.weight", q, raw_dtype=qt)
    w.add_tensor("vec.bias", rng.standard_normal((5,), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def dump(path):
    r = gguf.GGUFReader(path)
    kv = []
    for name, field in r.fields.items():
        if name.startswith("GGUF."):
            continue
        item = {"key": name, "type": int(field.types[0])}
        if field.types[0] == V.ARRAY:
            item["sub_type"] = int(field.types[-1]) if len(field.types) > 1 else None
        item["value"] = field.contents()
        kv.append(item)
    tensors = []
    for t in r.tensors:
        tensors.append({
            "name": t.name,
            "type": int(t.tensor_type),
            "dims": [int(d) for d in t.shape],
            "n_bytes": int(t.n_bytes),
            "data_offset": int(t.data_offset),
            "sha256": hashlib.sha256(t.data.tobytes()).hexdigest(),
        })
    json.dump({"alignment": int(r.alignment), "data_offset": int(r.data_offset), "kv": kv,
               "tensors": tensors}, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    elif sys.argv[1] == "dump":
        dump(sys.argv[2])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")

# Runtime benchmarks: GEMM kernel choice (ours vs OpenBLAS) and per-model
# latency of the C++ API (models from $VINET_RUNTIME_BENCH_DIR/*.onnx, which
# bench/runtime/compare_onnxruntime.py writes).
add_executable(bench_runtime ${CMAKE_CURRENT_LIST_DIR}/runtime/bench_runtime.cpp)
target_include_directories(bench_runtime PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(bench_runtime PRIVATE vinet_runtime benchmark::benchmark)

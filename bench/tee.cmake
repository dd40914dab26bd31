# TEE benchmarks: attestation verification and cached receipt verification.
add_executable(bench_tee ${CMAKE_CURRENT_LIST_DIR}/tee/tee_bench.cpp)
target_link_libraries(bench_tee PRIVATE vinet_tee benchmark::benchmark)
target_compile_definitions(bench_tee PRIVATE VINET_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

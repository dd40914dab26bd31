# Google Benchmark programs for src/zk.
add_executable(zk_bench ${CMAKE_CURRENT_SOURCE_DIR}/zk/zk_bench.cpp)
target_link_libraries(zk_bench PRIVATE vinet_zk benchmark::benchmark)

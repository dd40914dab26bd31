# Google Benchmark programs for src/zk.
add_executable(zk_bench ${CMAKE_CURRENT_SOURCE_DIR}/zk/zk_bench.cpp)
target_link_libraries(zk_bench PRIVATE vinet_zk benchmark::benchmark)
# PCS alone, Ligero vs Basefold in one run (a table; see the file's header).
add_executable(pcs_bench ${CMAKE_CURRENT_SOURCE_DIR}/zk/pcs_bench.cpp)
target_link_libraries(pcs_bench PRIVATE vinet_zk)

# ABCI round trips over loopback against the in-process KvTestApp.
add_executable(abci_bench ${CMAKE_CURRENT_SOURCE_DIR}/abci/abci_bench.cpp)
target_link_libraries(abci_bench PRIVATE vinet_abci_testing benchmark::benchmark)

# Inference-node load generator (bench/node/run.sh drives it on a devnet).
add_executable(node_loadgen ${CMAKE_CURRENT_SOURCE_DIR}/node/loadgen.cpp)
target_link_libraries(node_loadgen PRIVATE vinet_client vinet_node PkgConfig::HTTPLIB
                                           PkgConfig::SODIUM CLI11::CLI11)
# Claim ledger: group commit vs one synced put per claim (bench/node/run.sh).
add_executable(node_ledger_bench ${CMAKE_CURRENT_SOURCE_DIR}/node/ledger_bench.cpp)
target_link_libraries(node_ledger_bench PRIVATE vinet_node CLI11::CLI11)

# Inference-node load generator (bench/node/run.sh drives it on a devnet).
add_executable(node_loadgen ${CMAKE_CURRENT_SOURCE_DIR}/node/loadgen.cpp)
target_link_libraries(node_loadgen PRIVATE vinet_client vinet_node PkgConfig::HTTPLIB
                                           PkgConfig::SODIUM CLI11::CLI11)

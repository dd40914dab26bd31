# In-process chain benchmarks (tx execution, app hash, block commit).
add_executable(chain_bench ${CMAKE_CURRENT_SOURCE_DIR}/chain/chain_bench.cpp)
target_link_libraries(chain_bench PRIVATE vinet_chain benchmark::benchmark)
add_executable(chain_claims_bench ${CMAKE_CURRENT_SOURCE_DIR}/chain/claims_bench.cpp)
target_link_libraries(chain_claims_bench PRIVATE vinet_chain benchmark::benchmark)

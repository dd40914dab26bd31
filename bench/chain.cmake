# In-process chain benchmarks (tx execution, app hash, block commit).
add_executable(chain_bench ${CMAKE_CURRENT_SOURCE_DIR}/chain/chain_bench.cpp)
target_link_libraries(chain_bench PRIVATE vinet_chain benchmark::benchmark)
add_executable(chain_claims_bench ${CMAKE_CURRENT_SOURCE_DIR}/chain/claims_bench.cpp)
target_link_libraries(chain_claims_bench PRIVATE vinet_chain benchmark::benchmark)
# ZKML proofs verified per second (FinalizeBlock of MLP 784-128-10 proofs).
add_executable(chain_zkml_bench ${CMAKE_CURRENT_SOURCE_DIR}/chain/zkml_proofs_bench.cpp)
target_include_directories(chain_zkml_bench PRIVATE ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(chain_zkml_bench PRIVATE vinet_chain onnx_proto benchmark::benchmark)
# State size on disk after N settled claims, with and without claim retention.
add_executable(chain_retention_bench ${CMAKE_CURRENT_SOURCE_DIR}/chain/retention_bench.cpp)
target_link_libraries(chain_retention_bench PRIVATE vinet_chain)
# FinalizeBlock + Commit of 1,000- and 10,000-claim blocks (RocksDB, app hash).
add_executable(chain_block_bench ${CMAKE_CURRENT_SOURCE_DIR}/chain/block_commit_bench.cpp)
target_link_libraries(chain_block_bench PRIVATE vinet_chain benchmark::benchmark)
# State proof of one claim: prove (validator) and verify (client) time, proof size.
add_executable(chain_proof_bench ${CMAKE_CURRENT_SOURCE_DIR}/chain/proof_bench.cpp)
target_link_libraries(chain_proof_bench PRIVATE vinet_chain benchmark::benchmark)

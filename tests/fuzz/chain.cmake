# Chain fuzz targets: the tx decoder + executor, the genesis parser, and the
# state-sync snapshot decoders (metadata, chunks), the /claim_status answer decoder.
vinet_fuzz_target(chain_tx ${CMAKE_CURRENT_SOURCE_DIR}/chain_tx.cpp DEPS vinet_chain onnx_proto)
vinet_fuzz_target(chain_genesis ${CMAKE_CURRENT_SOURCE_DIR}/chain_genesis.cpp DEPS vinet_chain)
vinet_fuzz_target(chain_snapshot ${CMAKE_CURRENT_SOURCE_DIR}/chain_snapshot.cpp DEPS vinet_chain)
vinet_fuzz_target(chain_claim_status ${CMAKE_CURRENT_SOURCE_DIR}/chain_claim_status.cpp
                  DEPS vinet_chain)

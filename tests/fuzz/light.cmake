# Light client fuzz targets: CometBFT RPC answers (/commit, /validators,
# abci_query with proofs, genesis validators) as the light client decodes them.
vinet_fuzz_target(light_rpc ${CMAKE_CURRENT_SOURCE_DIR}/light_rpc_fuzz.cpp DEPS vinet_light)
# App-hash certificate answers (/app_hash_sig/<height>), decoded and checked.
vinet_fuzz_target(light_app_cert ${CMAKE_CURRENT_SOURCE_DIR}/light_app_cert_fuzz.cpp DEPS vinet_light)

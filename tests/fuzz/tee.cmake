# libFuzzer targets for the TEE parsers (seeds: tests/fuzz/corpus/<name>/,
# made by tests/fuzz/tee_make_seeds.py from the real Nitro documents).
vinet_fuzz_target(tee_cose ${CMAKE_CURRENT_LIST_DIR}/tee_cose_fuzz.cpp DEPS vinet_tee)
vinet_fuzz_target(tee_payload ${CMAKE_CURRENT_LIST_DIR}/tee_payload_fuzz.cpp DEPS vinet_tee)
vinet_fuzz_target(tee_receipt ${CMAKE_CURRENT_LIST_DIR}/tee_receipt_fuzz.cpp DEPS vinet_tee)
vinet_fuzz_target(tee_nsm ${CMAKE_CURRENT_LIST_DIR}/tee_nsm_fuzz.cpp DEPS vinet_tee)
vinet_fuzz_target(tee_enclave_request ${CMAKE_CURRENT_LIST_DIR}/tee_enclave_request_fuzz.cpp DEPS vinet_tee)
vinet_fuzz_target(tee_endpoint ${CMAKE_CURRENT_LIST_DIR}/tee_endpoint_fuzz.cpp DEPS vinet_tee)

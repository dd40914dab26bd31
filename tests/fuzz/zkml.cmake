# libFuzzer targets for the zkml key and proof parsers (and the verifier).
vinet_fuzz_target(zkml_proof ${CMAKE_CURRENT_SOURCE_DIR}/zkml_proof_fuzz.cpp DEPS vinet_zkml)
vinet_fuzz_target(zkml_key ${CMAKE_CURRENT_SOURCE_DIR}/zkml_key_fuzz.cpp DEPS vinet_zkml)
vinet_fuzz_target(zkml_range ${CMAKE_CURRENT_SOURCE_DIR}/zkml_range_fuzz.cpp DEPS vinet_zkml)

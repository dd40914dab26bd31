# CBOR decoder fuzz target (the decoder under every attestation document,
# receipt and tensor the network hands us).
vinet_fuzz_target(cbor_decode ${CMAKE_CURRENT_LIST_DIR}/cbor_decode_fuzz.cpp DEPS vinet_cbor)

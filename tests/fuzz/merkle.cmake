# State proof decoding (abci_query answers reach light clients and SDKs from
# any RPC node): the proof codec, the ProofOps codec and verification.
vinet_fuzz_target(merkle_proof ${CMAKE_CURRENT_LIST_DIR}/merkle_proof_fuzz.cpp DEPS vinet_merkle)

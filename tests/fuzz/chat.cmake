# LLM chat fuzz targets: the OpenAI body (HTTP), the canonical chat request
# and chat receipt (client, node, chain, enclave), signed chunks (SSE, enclave
# socket) and the enclave's "chat" method. Seeds: tests/fuzz/corpus/<name>/,
# written by tests/unit/chat/fuzz_seeds_test.cpp (VINET_WRITE_FUZZ_SEEDS=1).
vinet_fuzz_target(chat_completion ${CMAKE_CURRENT_LIST_DIR}/chat_completion_fuzz.cpp DEPS vinet_protocol)
vinet_fuzz_target(chat_request_decode ${CMAKE_CURRENT_LIST_DIR}/chat_request_decode_fuzz.cpp DEPS vinet_protocol)
vinet_fuzz_target(chat_receipt_decode ${CMAKE_CURRENT_LIST_DIR}/chat_receipt_decode_fuzz.cpp DEPS vinet_protocol)
vinet_fuzz_target(chat_chunk_json ${CMAKE_CURRENT_LIST_DIR}/chat_chunk_json_fuzz.cpp DEPS vinet_protocol)
vinet_fuzz_target(tee_enclave_chat ${CMAKE_CURRENT_LIST_DIR}/tee_enclave_chat_fuzz.cpp DEPS vinet_tee)
target_include_directories(fuzz_tee_enclave_chat PRIVATE ${PROJECT_SOURCE_DIR}/tests)

# Chat benchmarks: the cost of signing every streamed chunk against the
# engine's per-token decode time (docs/chat.md, "Signing every chunk").
add_executable(bench_chat_signing ${CMAKE_CURRENT_LIST_DIR}/chat/signing_bench.cpp)
target_link_libraries(bench_chat_signing PRIVATE vinet_chat vinet_tee vinet_protocol vinet_llm)

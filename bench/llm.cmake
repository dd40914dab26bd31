# LLM benchmarks. Tokenizer throughput (compared with llama.cpp by
# bench/llm/tokenizer_vs_llamacpp.py).
add_executable(bench_llm_tokenizer ${CMAKE_CURRENT_LIST_DIR}/llm/tokenizer_bench.cpp)
target_link_libraries(bench_llm_tokenizer PRIVATE vinet_llm)

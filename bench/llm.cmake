# LLM benchmarks. Tokenizer throughput (compared with llama.cpp by
# bench/llm/tokenizer_vs_llamacpp.py).
add_executable(bench_llm_tokenizer ${CMAKE_CURRENT_LIST_DIR}/llm/tokenizer_bench.cpp)
target_link_libraries(bench_llm_tokenizer PRIVATE vinet_llm)

# LLM engine: prefill/decode tokens/s and peak RSS (bench/llm/run.sh compares with llama.cpp).
add_executable(llm_bench ${CMAKE_CURRENT_LIST_DIR}/llm/llm_bench.cpp)
target_link_libraries(llm_bench PRIVATE vinet_llm)

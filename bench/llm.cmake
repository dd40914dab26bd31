# LLM engine: prefill/decode tokens/s and peak RSS (bench/llm/run.sh compares with llama.cpp).
add_executable(llm_bench ${CMAKE_CURRENT_SOURCE_DIR}/llm/llm_bench.cpp)
target_link_libraries(llm_bench PRIVATE vinet_llm)

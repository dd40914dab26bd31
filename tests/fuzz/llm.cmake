# The GGUF reader (untrusted model files): parse, then walk every metadata
# value and tensor view. Seeds: tests/fuzz/corpus/llm_gguf/ (llm_make_seeds.py).
vinet_fuzz_target(llm_gguf ${CMAKE_CURRENT_LIST_DIR}/llm_gguf_fuzz.cpp DEPS vinet_llm)

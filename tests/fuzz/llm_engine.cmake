# Model loading and a first forward pass on untrusted GGUF files (config,
# tensor checks, weight views). Seeds: tests/fuzz/corpus/llm_model/.
vinet_fuzz_target(llm_model ${CMAKE_CURRENT_LIST_DIR}/llm_model_fuzz.cpp DEPS vinet_llm)

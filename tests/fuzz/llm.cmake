# The GGUF reader (untrusted model files): parse, then walk every metadata
# value and tensor view. Seeds: tests/fuzz/corpus/llm_gguf/ (llm_make_seeds.py).
vinet_fuzz_target(llm_gguf ${CMAKE_CURRENT_LIST_DIR}/llm_gguf_fuzz.cpp DEPS vinet_llm)

# The tokenizer on arbitrary text bytes, with small generated vocabularies
# (byte-level BPE under every pre-tokenizer, SentencePiece with byte fallback).
vinet_fuzz_target(llm_tokenizer ${CMAKE_CURRENT_LIST_DIR}/llm_tokenizer_fuzz.cpp DEPS vinet_llm)
target_include_directories(fuzz_llm_tokenizer PRIVATE ${PROJECT_SOURCE_DIR}/src)

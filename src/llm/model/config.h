// Reads LlamaConfig from a GGUF file's metadata (private to src/llm).
#pragma once

#include "vinet/common/result.h"
#include "vinet/llm/gguf.h"
#include "vinet/llm/model.h"

namespace vinet::llm {

// Architecture "llama" or "qwen2" (others: kUnsupported naming it); the
// `<arch>.*` hyper-parameters with range checks naming the key.
Result<LlamaConfig> ReadLlamaConfig(const GgufFile& file);

}  // namespace vinet::llm

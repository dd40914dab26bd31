// Fuzzes model loading on arbitrary GGUF bytes: GgufFile::Parse, then
// Model::FromFile (configuration, tensor shape/type/size checks, tokenizer,
// chat template). A model that loads is run: a session with a small context
// evaluates two tokens, so a weight view that strays outside the input shows
// up under the sanitizers. Seeds: tests/fuzz/corpus/llm_model/
// (tests/llm/make_tiny_models.py --mini).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vinet/llm/gguf.h"
#include "vinet/llm/model.h"
#include "vinet/llm/session.h"

using namespace vinet::llm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = GgufFile::Parse({data, size});
  if (!file.ok()) return 0;
  auto model = Model::FromFile(std::move(file).value());
  if (!model.ok()) return 0;
  const LlamaConfig& c = (*model)->config();
  // Keep each run small: the fuzzer may write a configuration of a large model.
  if (static_cast<uint64_t>(c.n_layer) * c.n_embd * c.n_ff > (1u << 26)) return 0;
  auto session = Session::Create(**model, {.n_ctx = 4, .threads = 1});
  if (!session.ok()) return 0;
  std::vector<int32_t> tokens = {0, static_cast<int32_t>(c.n_vocab - 1)};
  if (!(*session)->Prefill(tokens).ok()) __builtin_trap();  // valid ids in an empty context
  return 0;
}

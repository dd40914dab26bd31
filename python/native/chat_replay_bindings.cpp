// vinet._native.chat replay: regenerate the answer a chat receipt covers on
// the local engine, through the node's own runner (chat::LlmChatRunner: the
// same request → prompt and sampling mapping, docs/chat.md "Replay").
//
//   Replayer(gguf_path, threads=1): loads the model once
//   replayer.replay(canonical, seed, max_completion=0) -> {"tokens_hash",
//       "text_hash" (hex), "tokens", "text_bytes", "finish_reason",
//       "prompt_tokens", "model_id"}
//   replay(gguf_path, canonical, seed, max_completion=0, threads=1): the
//       same with a per-process cache of loaded models
// The canonical request must decode strictly and name the file's model id;
// the receipt's seed replaces the request's. Failures raise ChatError
// (a ValueError, "<code>: <message>"). The GIL is released while loading and
// generating.
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <mutex>

#include "bindings.h"
#include "vinet/chat/llm_chat_runner.h"
#include "vinet/common/bytes.h"
#include "vinet/crypto/hash.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_request.h"

namespace vinet::py {
namespace {

namespace pyb = pybind11;
using namespace pybind11::literals;

[[noreturn]] void Raise(const Status& s) {
  PyErr_SetString(ChatErrorType(), s.ToString().c_str());
  throw pyb::error_already_set();
}

class PyReplayer {
 public:
  PyReplayer(const std::string& path, uint32_t threads) {
    chat::LlmChatRunnerOptions o;
    o.threads = threads == 0 ? 1 : threads;
    runner_ = std::make_unique<chat::LlmChatRunner>(o);
    Status s;
    {
      pyb::gil_scoped_release release;
      s = runner_->AddFile(path);
    }
    if (!s.ok()) Raise(s);
  }

  pyb::dict Replay(const pyb::bytes& canonical, uint64_t seed, uint32_t max_completion) {
    std::string_view c = canonical;
    auto request = protocol::DecodeChatRequest(AsBytes(c));
    if (!request.ok()) Raise(request.status());
    if (runner_->Find(request->model_id) == nullptr) {
      Raise(Error(Code::kNotFound, "model_id: the request names " + request->model_id +
                                       ", not the model file given"));
    }
    request->seed = seed;
    Result<tee::ChatOutcome> out = Error(Code::kInternal, "not run");
    {
      pyb::gil_scoped_release release;
      out = runner_->Run(*request, max_completion, [](const tee::ChatDelta&) { return true; });
    }
    if (!out.ok()) Raise(out.status());
    return pyb::dict("tokens_hash"_a = ToHex(protocol::TokensHash(out->tokens)),
                     "text_hash"_a = ToHex(crypto::Sha256(AsBytes(out->text))),
                     "tokens"_a = out->tokens, "text_bytes"_a = pyb::bytes(out->text),
                     "finish_reason"_a = out->finish_reason, "prompt_tokens"_a = out->prompt_tokens,
                     "seed"_a = out->seed, "model_id"_a = request->model_id);
  }

 private:
  std::unique_ptr<chat::LlmChatRunner> runner_;
};

std::mutex g_cache_mu;
std::map<std::pair<std::string, uint32_t>, std::shared_ptr<PyReplayer>> g_cache;

}  // namespace

void BindChatReplay(pybind11::module_& c) {
  pyb::class_<PyReplayer, std::shared_ptr<PyReplayer>>(c, "Replayer")
      .def(pyb::init<const std::string&, uint32_t>(), "gguf_path"_a, "threads"_a = 1)
      .def("replay", &PyReplayer::Replay, "canonical"_a, "seed"_a, "max_completion"_a = 0);
  c.def(
      "replay",
      [](const std::string& path, const pyb::bytes& canonical, uint64_t seed,
         uint32_t max_completion, uint32_t threads) {
        std::shared_ptr<PyReplayer> r;
        {
          std::lock_guard<std::mutex> lock(g_cache_mu);
          auto it = g_cache.find({path, threads});
          if (it != g_cache.end()) r = it->second;
        }
        if (!r) {
          r = std::make_shared<PyReplayer>(path, threads);
          std::lock_guard<std::mutex> lock(g_cache_mu);
          g_cache[{path, threads}] = r;
        }
        return r->Replay(canonical, seed, max_completion);
      },
      "gguf_path"_a, "canonical"_a, "seed"_a, "max_completion"_a = 0, "threads"_a = 1,
      "Regenerate a receipt's answer locally (models cached per path).");
}

}  // namespace vinet::py

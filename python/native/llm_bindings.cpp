// vinet._native.llm: the LLM engine for Python. Load a GGUF model, tokenize,
// render chats and generate, bit for bit as the node does, so that an SDK
// can replay a receipt (same request + seed => same tokens and output hash).
// Errors raise RuntimeError with the vinet Status text; the GIL is released
// while the model loads or generates.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "vinet/common/bytes.h"
#include "vinet/llm/generate.h"
#include "vinet/llm/prompt.h"

namespace py = pybind11;

namespace vinet::py {
namespace {

using llm::ChatMessage;
using llm::Model;

std::vector<ChatMessage> MessagesFrom(const ::py::list& messages) {
  std::vector<ChatMessage> out;
  for (const auto& item : messages) {
    auto d = item.cast<::py::dict>();
    if (!d.contains("role") || !d.contains("content"))
      throw std::runtime_error("invalid_argument: each message needs 'role' and 'content'");
    out.push_back({d["role"].cast<std::string>(), d["content"].cast<std::string>()});
  }
  return out;
}

::py::dict GenerationDict(const Model& model, const llm::Generation& g) {
  ::py::dict d;
  d["text"] = ::py::bytes(g.text).attr("decode")("utf-8", "replace");
  d["tokens"] = g.tokens;
  d["prompt_tokens"] = g.prompt_tokens;
  d["completion_tokens"] = g.tokens.size();
  d["seed"] = g.seed;
  d["finish_reason"] = g.finish_reason;
  d["output_hash"] = ToHex(g.output_hash);
  d["model_id"] = ToHex(model.model_id());
  return d;
}

class PyModel {
 public:
  explicit PyModel(const std::string& path) {
    ::py::gil_scoped_release release;
    model_ = std::shared_ptr<Model>(Unwrap(Model::Load(path)).release());
  }

  std::string ModelId() const { return ToHex(model_->model_id()); }

  ::py::dict Config() const {
    const llm::LlamaConfig& c = model_->config();
    ::py::dict d;
    d["architecture"] = c.architecture;
    d["n_layer"] = c.n_layer;
    d["n_embd"] = c.n_embd;
    d["n_ff"] = c.n_ff;
    d["n_head"] = c.n_head;
    d["n_head_kv"] = c.n_head_kv;
    d["n_ctx_train"] = c.n_ctx_train;
    d["n_vocab"] = c.n_vocab;
    d["chat_template"] =
        model_->chat_template() ? std::string(model_->chat_template()->family_name()) : "";
    return d;
  }

  std::vector<int32_t> Tokenize(const std::string& text, bool add_bos, bool parse_special) const {
    return model_->tokenizer().Encode(text, add_bos, parse_special);
  }

  ::py::bytes Detokenize(const std::vector<int32_t>& ids) const {
    return ::py::bytes(model_->tokenizer().Decode(ids));
  }

  std::vector<int32_t> ChatPrompt(const ::py::list& messages) const {
    return Unwrap(llm::ChatPromptTokens(*model_, MessagesFrom(messages)));
  }

  ::py::dict Generate(const ::py::object& prompt, const ::py::object& messages, uint32_t max_tokens,
                      float temperature, float top_p, uint32_t top_k, const ::py::object& seed,
                      const std::vector<std::string>& stop, uint32_t threads, uint32_t n_ctx,
                      const std::string& kernels, const ::py::object& on_token) {
    if (prompt.is_none() == messages.is_none())
      throw std::runtime_error("invalid_argument: give exactly one of prompt or messages");
    std::vector<int32_t> tokens =
        prompt.is_none() ? ChatPrompt(messages.cast<::py::list>())
                         : Unwrap(llm::TextPromptTokens(*model_, prompt.cast<std::string>()));
    llm::SamplingParams p;
    p.max_tokens = max_tokens;
    p.temperature = temperature;
    p.top_p = top_p;
    p.top_k = top_k;
    p.stop = stop;
    if (!seed.is_none()) p.seed = seed.cast<uint64_t>();
    Check(llm::ValidateSampling(p));
    llm::SessionOptions opts{n_ctx, threads, Unwrap(llm::ParseKernelPath(kernels))};
    std::function<bool(const llm::TokenEvent&)> callback;
    if (!on_token.is_none()) {
      callback = [&on_token](const llm::TokenEvent& ev) {
        ::py::gil_scoped_acquire gil;
        ::py::object r = on_token(ev.index, ev.token, ::py::bytes(ev.text_delta));
        return r.is_none() || r.cast<bool>();
      };
    }
    llm::Generation g;
    {
      ::py::gil_scoped_release release;
      auto session = Unwrap(llm::Session::Create(*model_, opts));
      g = Unwrap(llm::Generate(*session, tokens, p, callback));
    }
    return GenerationDict(*model_, g);
  }

 private:
  std::shared_ptr<Model> model_;
};

}  // namespace

void BindLlm(::py::module_& m) {
  auto l = m.def_submodule("llm", "The LLM engine (GGUF models, deterministic generation)");
  ::py::class_<PyModel>(l, "Model")
      .def(::py::init<const std::string&>(), ::py::arg("path"))
      .def_property_readonly("model_id", &PyModel::ModelId)
      .def_property_readonly("config", &PyModel::Config)
      .def("tokenize", &PyModel::Tokenize, ::py::arg("text"), ::py::arg("add_bos") = true,
           ::py::arg("parse_special") = false)
      .def("detokenize", &PyModel::Detokenize, ::py::arg("ids"))
      .def("chat_prompt", &PyModel::ChatPrompt, ::py::arg("messages"))
      .def("generate", &PyModel::Generate, ::py::arg("prompt") = ::py::none(),
           ::py::arg("messages") = ::py::none(), ::py::arg("max_tokens") = 256,
           ::py::arg("temperature") = 0.0f, ::py::arg("top_p") = 1.0f, ::py::arg("top_k") = 0,
           ::py::arg("seed") = ::py::none(), ::py::arg("stop") = std::vector<std::string>{},
           ::py::arg("threads") = 1, ::py::arg("n_ctx") = 2048, ::py::arg("kernels") = "auto",
           ::py::arg("on_token") = ::py::none());
  l.def("hash_tokens", [](const std::vector<int32_t>& ids) { return ToHex(llm::HashTokens(ids)); });
}

}  // namespace vinet::py

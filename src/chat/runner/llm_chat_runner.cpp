#include "vinet/chat/llm_chat_runner.h"

#include <algorithm>

namespace vinet::chat {
namespace {

// Holds one of the runner's generation slots for its lifetime.
class SlotGuard {
 public:
  SlotGuard(std::mutex& mu, std::condition_variable& cv, uint32_t& free)
      : mu_(mu), cv_(cv), free_(free) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  ~SlotGuard() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  std::mutex& mu_;
  std::condition_variable& cv_;
  uint32_t& free_;
};

}  // namespace

LlmChatRunner::LlmChatRunner(LlmChatRunnerOptions options)
    : options_(options), free_slots_(std::max<uint32_t>(1, options.max_concurrent)) {
  options_.threads = std::max<uint32_t>(1, options_.threads);
}

LlmChatRunner::~LlmChatRunner() = default;

Status LlmChatRunner::AddFile(const std::filesystem::path& gguf) {
  auto model = llm::Model::Load(gguf);
  if (!model.ok()) return model.status().WithContext(gguf.string());
  return Add(std::move(model).value()).WithContext(gguf.string());
}

Status LlmChatRunner::Add(std::unique_ptr<llm::Model> model) {
  if (model->chat_template() == nullptr) {
    return Error(Code::kUnsupported, "chat: the model has no usable chat template: " +
                                         model->chat_template_error().message());
  }
  Entry e;
  std::string id = ToHex(model->model_id());
  auto name = model->file().GetString("general.name");
  e.name = name.ok() ? std::string(*name) : std::string();
  e.context = model->config().n_ctx_train;
  if (options_.context > 0 && (e.context == 0 || options_.context < e.context))
    e.context = options_.context;
  e.model = std::move(model);
  std::lock_guard<std::mutex> lock(mu_);
  if (models_.count(id)) return Error(Code::kAlreadyExists, "chat: model " + id + " loaded twice");
  models_.emplace(id, std::move(e));
  return Status::Ok();
}

Result<size_t> LlmChatRunner::AddDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".gguf")
      files.push_back(entry.path());
  }
  if (ec) return Error(Code::kIo, "chat: cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) VINET_RETURN_IF_ERROR(AddFile(f));
  return files.size();
}

const llm::Model* LlmChatRunner::Find(const std::string& model_id) const {
  auto e = Lookup(model_id);
  return e.ok() ? (*e)->model.get() : nullptr;
}

Result<const LlmChatRunner::Entry*> LlmChatRunner::Lookup(const std::string& model_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = models_.find(model_id);
  if (it == models_.end())
    return Error(Code::kNotFound, "model_id: no chat model \"" + model_id + "\" here");
  return &it->second;  // entries are never removed: the pointer stays valid
}

std::vector<tee::ChatModelInfo> LlmChatRunner::ChatModels() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<tee::ChatModelInfo> out;
  for (const auto& [id, e] : models_) out.push_back({id, e.name, e.context});
  return out;
}

Status LlmChatRunner::CheckFits(const Entry& e, size_t prompt, uint32_t completion) {
  if (prompt + completion > e.context) {
    return Error(Code::kOutOfRange, "messages: the prompt of " + std::to_string(prompt) +
                                        " tokens + max_tokens " + std::to_string(completion) +
                                        " exceeds the model's context of " +
                                        std::to_string(e.context) + " tokens");
  }
  return Status::Ok();
}

Result<uint32_t> LlmChatRunner::PromptTokens(const protocol::ChatRequest& request) {
  VINET_ASSIGN_OR_RETURN(const Entry* e, Lookup(request.model_id));
  VINET_ASSIGN_OR_RETURN(std::vector<int32_t> prompt, PromptFor(*e->model, request));
  VINET_RETURN_IF_ERROR(CheckFits(*e, prompt.size(), request.max_tokens));
  return static_cast<uint32_t>(prompt.size());
}

Result<tee::ChatOutcome> LlmChatRunner::Run(
    const protocol::ChatRequest& request, uint32_t max_completion,
    const std::function<bool(const tee::ChatDelta&)>& on_delta) {
  VINET_ASSIGN_OR_RETURN(const Entry* e, Lookup(request.model_id));
  VINET_ASSIGN_OR_RETURN(std::vector<int32_t> prompt, PromptFor(*e->model, request));
  llm::SamplingParams params = SamplingFor(request, max_completion);
  VINET_RETURN_IF_ERROR(llm::ValidateSampling(params));
  VINET_RETURN_IF_ERROR(CheckFits(*e, prompt.size(), params.max_tokens));

  SlotGuard slot(mu_, slot_free_, free_slots_);
  llm::SessionOptions so;
  so.n_ctx = static_cast<uint32_t>(prompt.size()) + params.max_tokens;
  so.threads = options_.threads;
  so.kernels = options_.kernels;
  VINET_ASSIGN_OR_RETURN(std::unique_ptr<llm::Session> session,
                         llm::Session::Create(*e->model, so));
  tee::ChatDelta delta;
  std::string text;  // the valid-UTF-8 deltas, concatenated
  auto on_token = [&](const llm::TokenEvent& ev) {
    delta.tokens.clear();
    if (!ev.end_token) delta.tokens.push_back(ev.token);
    delta.text = ValidUtf8(ev.text_delta);
    text += delta.text;
    return on_delta ? on_delta(delta) : true;
  };
  VINET_ASSIGN_OR_RETURN(llm::Generation g, llm::Generate(*session, prompt, params, on_token));
  tee::ChatOutcome out;
  out.seed = g.seed;
  out.prompt_tokens = g.prompt_tokens;
  out.tokens = std::move(g.tokens);
  out.text = std::move(text);
  out.finish_reason = std::move(g.finish_reason);
  return out;
}

}  // namespace vinet::chat

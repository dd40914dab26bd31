// A deterministic ChatRunner for tests: the answer to a request is a
// function of its last message and seed. "tok N" answers N one-token deltas
// ("w0 ", "w1 ", ...); "big" answers one delta of 150 tokens and 9,000 bytes
// of text with multi-byte characters (chunk splitting). It honours the
// completion cap ("length") and cancellation ("cancelled"), and counts calls.
#pragma once

#include <atomic>
#include <charconv>
#include <string>
#include <vector>

#include "vinet/tee/chat_runner.h"

namespace vinet::tee::testing {

inline constexpr char kFakeChatModel[] = "fake-chat-model";

class FakeChatRunner : public ChatRunner {
 public:
  std::vector<ChatModelInfo> ChatModels() const override {
    return {{kFakeChatModel, "fake", 4096}};
  }
  Result<uint32_t> PromptTokens(const protocol::ChatRequest& request) override {
    if (request.model_id != kFakeChatModel) return Error(Code::kNotFound, "model_id: unknown");
    uint32_t n = 0;
    for (const auto& m : request.messages) n += 1 + static_cast<uint32_t>(m.content.size());
    return n;
  }
  Result<ChatOutcome> Run(const protocol::ChatRequest& request, uint32_t max_completion,
                          const std::function<bool(const ChatDelta&)>& on_delta) override {
    ++runs;
    last_cap = max_completion;
    VINET_ASSIGN_OR_RETURN(uint32_t prompt, PromptTokens(request));
    ChatOutcome out;
    out.seed = request.seed.value_or(42);
    out.prompt_tokens = prompt;
    out.finish_reason = "stop";
    const std::string& last = request.messages.back().content;
    uint32_t emitted = 0;
    auto emit = [&](const ChatDelta& d) {  // false: stop generating
      if (emitted + d.tokens.size() > max_completion) {
        out.finish_reason = "length";
        return false;
      }
      emitted += static_cast<uint32_t>(d.tokens.size());
      out.tokens.insert(out.tokens.end(), d.tokens.begin(), d.tokens.end());
      out.text += d.text;
      if (on_delta && !on_delta(d)) {
        out.finish_reason = "cancelled";
        return false;
      }
      return true;
    };
    if (last == "big") {
      ChatDelta d;
      for (int i = 0; i < 150; ++i) d.tokens.push_back(1000 + i);
      while (d.text.size() < 9000) d.text += "ab\xc3\xa9\xe2\x82\xac";  // "abé€"
      emit(d);
      return out;
    }
    uint64_t n = 5;
    if (last.rfind("tok ", 0) == 0) {
      auto [end, ec] = std::from_chars(last.data() + 4, last.data() + last.size(), n);
      if (ec != std::errc()) n = 5;
    }
    for (uint64_t i = 0; i < n; ++i) {
      ChatDelta d;
      d.tokens = {static_cast<int32_t>((out.seed * 31 + i) % 50000)};
      d.text = "w" + std::to_string(i) + " ";
      if (!emit(d)) break;
    }
    return out;
  }
  std::atomic<int> runs{0};
  std::atomic<uint32_t> last_cap{0};
};

}  // namespace vinet::tee::testing

// ChatTemplate: family detection from the Jinja source's markers, and one
// renderer per family that writes what the family's reference template writes.
#include "vinet/llm/chat_template.h"

#include <fmt/format.h>

#include "llm/chat/text.h"
#include "vinet/llm/tokenizer.h"

namespace vinet::llm {
namespace {

using chat_internal::PyStrip;
using chat_internal::UnescapeLiteral;

bool Has(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// The template's first characters, for messages (control characters escaped).
std::string Head(std::string_view source) {
  std::string out;
  for (size_t i = 0; i < source.size() && i < 60; ++i) {
    char c = source[i];
    if (c == '\n')
      out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20)
      out += ' ';
    else
      out += c;
  }
  return source.size() > 60 ? out + "..." : out;
}

Status Unsupported(std::string_view why, std::string_view source) {
  return Error(Code::kUnsupported,
               fmt::format("chat template: {} (template starts \"{}\")", why, Head(source)));
}

// A ChatML template's built-in system prompt: a string literal of the form
// '<|im_start|>system\n...<|im_end|>' whose text is fixed (no quote inside,
// so no expression). Empty when the template has none.
std::string DefaultChatMlSystem(std::string_view source) {
  static constexpr std::string_view kOpen = "<|im_start|>system";
  for (size_t at = source.find(kOpen); at != std::string_view::npos;
       at = source.find(kOpen, at + 1)) {
    size_t p = at + kOpen.size();
    if (source.substr(p, 2) == "\\n")
      p += 2;
    else if (source.substr(p, 1) == "\n")
      p += 1;
    else
      continue;
    size_t end = source.find("<|im_end|>", p);
    if (end == std::string_view::npos) continue;
    std::string_view text = source.substr(p, end - p);
    if (text.empty() || text.find_first_of("'\"{}") != std::string_view::npos) continue;
    return UnescapeLiteral(text);
  }
  return "";
}

int32_t FindToken(const Vocab& v, std::string_view text) {
  for (size_t i = 0; i < v.tokens.size(); ++i)
    if (v.tokens[i] == text) return static_cast<int32_t>(i);
  return -1;
}

Result<std::string> TokenText(const Vocab& v, int32_t id, std::string_view what,
                              std::string_view family) {
  if (id < 0 || static_cast<size_t>(id) >= v.tokens.size())
    return Error(
        Code::kUnsupported,
        fmt::format("chat template: {} needs a {} token, the vocabulary has none", family, what));
  return v.tokens[id];
}

Status NeedToken(const Vocab& v, std::string_view text, std::string_view family) {
  if (FindToken(v, text) < 0)
    return Error(
        Code::kUnsupported,
        fmt::format("chat template: {} needs the token {}, not in the vocabulary", family, text));
  return Status::Ok();
}

enum class Role { kSystem, kUser, kAssistant };

Result<Role> ParseRole(const ChatMessage& m, size_t i) {
  if (m.role == "system") return Role::kSystem;
  if (m.role == "user") return Role::kUser;
  if (m.role == "assistant") return Role::kAssistant;
  return Error(
      Code::kInvalidArgument,
      fmt::format("chat: messages[{}]: unknown role '{}' (system, user or assistant)", i, m.role));
}

// Checks user/assistant alternation starting with a user turn from `first`;
// a system message is allowed only at index 0 and only if `system_ok`.
Status CheckAlternation(std::span<const ChatMessage> msgs, std::string_view family,
                        bool system_ok) {
  size_t start = 0;
  for (size_t i = 0; i < msgs.size(); ++i) {
    VINET_ASSIGN_OR_RETURN(Role r, ParseRole(msgs[i], i));
    if (r == Role::kSystem) {
      if (!system_ok)
        return Error(
            Code::kInvalidArgument,
            fmt::format("chat: messages[{}]: the {} template has no system role", i, family));
      if (i != 0)
        return Error(Code::kInvalidArgument,
                     fmt::format("chat: messages[{}]: a system message may only come first", i));
      start = 1;
      continue;
    }
    bool want_user = (i - start) % 2 == 0;
    if ((r == Role::kUser) != want_user)
      return Error(Code::kInvalidArgument,
                   fmt::format("chat: messages[{}]: {} expected ({} needs user and assistant "
                               "turns to alternate, starting with user)",
                               i, want_user ? "user" : "assistant", family));
  }
  return Status::Ok();
}

}  // namespace

Result<ChatFamily> ChatTemplate::DetectFamily(std::string_view source) {
  if (source.empty()) return Error(Code::kNotFound, "chat template: the file has none");
  if (Has(source, "<|im_start|>")) return ChatFamily::kChatML;
  if (Has(source, "<|start_header_id|>")) {
    if (Has(source, "Cutting Knowledge Date") || Has(source, "tools"))
      return Unsupported("a Llama 3.1+ variant (date header, tools) that is not rendered", source);
    if (!Has(source, "<|eot_id|>"))
      return Unsupported("Llama 3 markers without <|eot_id|>", source);
    return ChatFamily::kLlama3;
  }
  if (Has(source, "<start_of_turn>")) {
    if (!Has(source, "System role not supported"))
      return Unsupported("a Gemma variant other than Gemma 1/2 (e.g. Gemma 3)", source);
    return ChatFamily::kGemma;
  }
  if (Has(source, "[INST]")) {
    if (Has(source, "<<SYS>>")) {
      if (Has(source, "set system_message = '") || Has(source, "set system_message = \""))
        return Unsupported("a Llama 2 variant with a built-in system prompt", source);
      return ChatFamily::kLlama2;
    }
    if (Has(source, "'[INST] ' + message['content'] + ' [/INST]'") &&
        Has(source, "message['content'] + eos_token"))
      return ChatFamily::kMistral;
    return Unsupported("a Mistral variant other than v0.1/v0.2", source);
  }
  return Unsupported("unrecognised chat template", source);
}

Result<ChatTemplate> ChatTemplate::Detect(std::string_view source, const Vocab& vocab) {
  ChatTemplate t;
  if (source.empty()) {
    if (FindToken(vocab, "<|im_start|>") < 0 || FindToken(vocab, "<|im_end|>") < 0)
      return Error(Code::kUnsupported,
                   "chat template: the file has none and its vocabulary has no "
                   "<|im_start|>/<|im_end|> for ChatML");
    t.family_ = ChatFamily::kChatML;
    t.end_of_turn_ = "<|im_end|>";
    return t;
  }
  VINET_ASSIGN_OR_RETURN(t.family_, DetectFamily(source));
  std::string_view name = t.family_name();
  switch (t.family_) {
    case ChatFamily::kChatML: {
      VINET_RETURN_IF_ERROR(NeedToken(vocab, "<|im_start|>", name));
      VINET_RETURN_IF_ERROR(NeedToken(vocab, "<|im_end|>", name));
      t.end_of_turn_ = "<|im_end|>";
      t.default_system_ = DefaultChatMlSystem(source);
      break;
    }
    case ChatFamily::kLlama3: {
      VINET_RETURN_IF_ERROR(NeedToken(vocab, "<|start_header_id|>", name));
      VINET_RETURN_IF_ERROR(NeedToken(vocab, "<|eot_id|>", name));
      VINET_ASSIGN_OR_RETURN(t.bos_text_, TokenText(vocab, vocab.bos, "BOS", name));
      t.end_of_turn_ = "<|eot_id|>";
      break;
    }
    case ChatFamily::kLlama2:
    case ChatFamily::kMistral: {
      VINET_ASSIGN_OR_RETURN(t.bos_text_, TokenText(vocab, vocab.bos, "BOS", name));
      VINET_ASSIGN_OR_RETURN(t.eos_text_, TokenText(vocab, vocab.eos, "EOS", name));
      t.end_of_turn_ = t.eos_text_;
      break;
    }
    case ChatFamily::kGemma: {
      VINET_RETURN_IF_ERROR(NeedToken(vocab, "<start_of_turn>", name));
      VINET_RETURN_IF_ERROR(NeedToken(vocab, "<end_of_turn>", name));
      VINET_ASSIGN_OR_RETURN(t.bos_text_, TokenText(vocab, vocab.bos, "BOS", name));
      t.end_of_turn_ = "<end_of_turn>";
      break;
    }
  }
  return t;
}

std::string_view ChatTemplate::FamilyName(ChatFamily family) {
  switch (family) {
    case ChatFamily::kChatML:
      return "chatml";
    case ChatFamily::kLlama3:
      return "llama3";
    case ChatFamily::kLlama2:
      return "llama2";
    case ChatFamily::kMistral:
      return "mistral";
    case ChatFamily::kGemma:
      return "gemma";
  }
  return "unknown";
}

Result<std::string> ChatTemplate::Render(std::span<const ChatMessage> msgs,
                                         bool add_generation_prompt) const {
  VINET_ASSIGN_OR_RETURN(RenderedChat r, RenderWithContent(msgs, add_generation_prompt));
  return std::move(r.text);
}

Result<RenderedChat> ChatTemplate::RenderWithContent(std::span<const ChatMessage> msgs,
                                                     bool add_generation_prompt) const {
  if (msgs.empty()) return Error(Code::kInvalidArgument, "chat: no messages");
  RenderedChat r;
  std::string& out = r.text;
  // Appends text that came from a message (never read for control tokens).
  auto content = [&r](std::string_view text) {
    if (text.empty()) return;
    r.content.push_back({r.text.size(), r.text.size() + text.size()});
    r.text.append(text);
  };
  switch (family_) {
    case ChatFamily::kChatML: {
      for (size_t i = 0; i < msgs.size(); ++i) {
        VINET_ASSIGN_OR_RETURN(Role role, ParseRole(msgs[i], i));
        (void)role;
      }
      if (msgs[0].role != "system" && !default_system_.empty())
        out += "<|im_start|>system\n" + default_system_ + "<|im_end|>\n";
      for (const ChatMessage& m : msgs) {
        out += "<|im_start|>" + m.role + "\n";
        content(m.content);
        out += "<|im_end|>\n";
      }
      if (add_generation_prompt) out += "<|im_start|>assistant\n";
      break;
    }
    case ChatFamily::kLlama3: {
      for (size_t i = 0; i < msgs.size(); ++i) {
        VINET_ASSIGN_OR_RETURN(Role role, ParseRole(msgs[i], i));
        (void)role;
        if (i == 0) out += bos_text_;
        out += "<|start_header_id|>" + msgs[i].role + "<|end_header_id|>\n\n";
        content(PyStrip(msgs[i].content));
        out += "<|eot_id|>";
      }
      if (add_generation_prompt) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
      break;
    }
    case ChatFamily::kLlama2: {
      VINET_RETURN_IF_ERROR(CheckAlternation(msgs, "Llama 2", true));
      bool has_system = msgs[0].role == "system";
      for (size_t i = has_system ? 1 : 0; i < msgs.size(); ++i) {
        std::string text = msgs[i].content;
        if (has_system && i == 1) text = "<<SYS>>\n" + msgs[0].content + "\n<</SYS>>\n\n" + text;
        if (msgs[i].role == "user") {
          out += bos_text_ + "[INST] ";
          content(PyStrip(text));
          out += " [/INST]";
        } else {
          out += " ";
          content(PyStrip(text));
          out += " " + eos_text_;
        }
      }
      break;  // the prompt already ends where the assistant answers
    }
    case ChatFamily::kMistral: {
      VINET_RETURN_IF_ERROR(CheckAlternation(msgs, "Mistral", false));
      out += bos_text_;
      for (const ChatMessage& m : msgs) {
        if (m.role == "user") {
          out += "[INST] ";
          content(m.content);
          out += " [/INST]";
        } else {
          content(m.content);
          out += eos_text_;
        }
      }
      break;
    }
    case ChatFamily::kGemma: {
      VINET_RETURN_IF_ERROR(CheckAlternation(msgs, "Gemma", false));
      out += bos_text_;
      for (const ChatMessage& m : msgs) {
        out += "<start_of_turn>";
        out += m.role == "assistant" ? "model" : m.role;
        out += "\n";
        content(PyStrip(m.content));
        out += "<end_of_turn>\n";
      }
      if (add_generation_prompt) out += "<start_of_turn>model\n";
      break;
    }
  }
  return r;
}

}  // namespace vinet::llm

// The chat fuzz targets' seeds (tests/fuzz/corpus/<target>/) are made here
// from the library itself, with fixed keys (Ed25519 signing is
// deterministic): the test checks that each committed seed is exactly what
// the code produces today and that it parses. VINET_WRITE_FUZZ_SEEDS=1
// (re)writes them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_request.h"
#include "vinet/protocol/chat_stream.h"
#include "vinet/tee/enclave_server.h"

namespace vinet::chat {
namespace {

namespace fs = std::filesystem;

crypto::SecretKey Key(uint8_t b) {
  return crypto::SecretKey::FromSeed(Bytes(32, b)).value();
}

const char kBasic[] =
    R"({"model":"fake-chat-model","messages":[{"role":"user","content":"tok 6"}],"seed":3})";
const char kFull[] =
    R"({"model":"fake-chat-model","messages":[{"role":"developer","content":"Be brief."},)"
    R"({"role":"user","content":[{"type":"text","text":"tok "},{"type":"text","text":"9"}]},)"
    R"({"role":"assistant","content":"ok"},{"role":"user","content":"big"}],)"
    R"("max_completion_tokens":200,"temperature":0.7,"top_p":0.9,"top_k":40,"seed":12,)"
    R"("stop":["\n\n","END"],"stream":true,"stream_options":{"include_usage":true},"user":"u"})";
const char kRefused[] =
    R"({"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[],"n":2})";

// Found by fuzz_tee_enclave_chat: nlohmann throws out_of_range (not
// parse_error) for a number beyond double.
const char kOverflow[] =
    R"({"model":"fake-chat-model","messages":[{"role":"user","content":"hi"}],"top_p":5e8963})";

protocol::ChatRequest Req() {
  return protocol::ParseChatCompletion(kFull).value().request;
}

protocol::ChatReceipt Receipt(protocol::Mode mode) {
  protocol::ChatReceipt r;
  r.inference_id = Bytes(32, 0x11);
  r.model_id = "fake-chat-model";
  r.mode = mode;
  auto h = protocol::ChatRequestHash(Req());
  r.request_hash = Bytes(h.begin(), h.end());
  r.seed = 12;
  r.prompt_tokens = 30;
  r.completion_tokens = 2;
  r.finish_reason = mode == protocol::Mode::kTee ? "stop" : "cancelled";
  std::vector<int32_t> toks = {5, 6};
  auto th = protocol::TokensHash(toks);
  r.tokens_hash = Bytes(th.begin(), th.end());
  auto xh = crypto::Sha256(AsBytes("w0 w1 "));
  r.text_hash = Bytes(xh.begin(), xh.end());
  auto node = Key(2);
  r.node_id = Bytes(node.public_key().begin(), node.public_key().end());
  r.chunks = 2;
  if (mode == protocol::Mode::kTee) {
    auto enclave = Key(3);
    r.enclave_key = Bytes(enclave.public_key().begin(), enclave.public_key().end());
    protocol::SignChatAsEnclave(r, enclave);
  }
  EXPECT_TRUE(protocol::SignChatAsNode(r, node).ok());
  return r;
}

std::string SignedChatFrame() {
  tee::ChatAnswerInput in;
  in.request = protocol::ParseChatCompletion(kBasic).value().request;
  protocol::InferenceRequest r;
  r.chain_id = "fuzz";
  r.node_pubkey = Key(2).public_key();
  r.timestamp_ms = 1;
  r.expires_ms = 2;
  r.kind = protocol::PayloadKind::kChat;
  r.model_id = in.request.model_id;
  r.mode = protocol::Mode::kTee;
  auto h = protocol::ChatRequestHash(in.request);
  r.input_hash = Bytes(h.begin(), h.end());
  in.signed_request = protocol::SignRequest(r, Key(1));
  in.node_id = Key(2).public_key();
  return tee::ChatRequestFrame(in);
}

std::map<std::string, std::string> Seeds() {
  std::map<std::string, std::string> s;
  s["chat_completion/basic.json"] = kBasic;
  s["chat_completion/full.json"] = kFull;
  s["chat_completion/refused.json"] = kRefused;
  s["chat_completion/number_overflow.json"] = kOverflow;
  auto text = [](const Bytes& b) { return std::string(b.begin(), b.end()); };
  s["chat_request_decode/full.cbor"] = text(protocol::EncodeChatRequest(Req()));
  s["chat_request_decode/basic.cbor"] =
      text(protocol::EncodeChatRequest(protocol::ParseChatCompletion(kBasic).value().request));
  s["chat_receipt_decode/tee.cbor"] =
      text(protocol::EncodeChatReceipt(Receipt(protocol::Mode::kTee)));
  s["chat_receipt_decode/vanilla.cbor"] =
      text(protocol::EncodeChatReceipt(Receipt(protocol::Mode::kVanilla)));
  protocol::ChatStreamSigner signer(Bytes(32, 0x11), Key(3));
  std::vector<int32_t> t0 = {5}, t1 = {6, 7};
  s["chat_chunk_json/first.json"] = protocol::ChatChunkToJson(signer.Next(t0, "w0 "));
  s["chat_chunk_json/second.json"] =
      protocol::ChatChunkToJson(signer.Next(t1, "caf\xc3\xa9\n\"q\""));
  s["tee_enclave_chat/stream.txt"] = std::string(kBasic);
  s["tee_enclave_chat/stop.txt"] = std::string(kBasic) + "\n{\"method\":\"stop\",\"chunks\":2}";
  s["tee_enclave_chat/other.txt"] = std::string(kBasic) + "\n{\"method\":\"info\"}";
  s["tee_enclave_chat/gone.txt"] = std::string(kBasic) + "\n";
  s["tee_enclave_chat/signed.txt"] = SignedChatFrame() + "\n{\"method\":\"stop\",\"chunks\":1}";
  return s;
}

TEST(ChatFuzzSeeds, CommittedSeedsAreWhatTheCodeMakesAndTheyParse) {
  const fs::path root = fs::path(VINET_SOURCE_DIR) / "tests/fuzz/corpus";
  const bool write = std::getenv("VINET_WRITE_FUZZ_SEEDS") != nullptr;
  for (const auto& [name, bytes] : Seeds()) {
    fs::path p = root / name;
    if (write) {
      fs::create_directories(p.parent_path());
      std::ofstream(p, std::ios::binary) << bytes;
    }
    std::ifstream in(p, std::ios::binary);
    ASSERT_TRUE(in) << p;
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), bytes) << name << " is stale: rerun with VINET_WRITE_FUZZ_SEEDS=1";
  }
  auto s = Seeds();
  auto bytes = [&](const std::string& n) { return AsBytes(s[n]); };
  EXPECT_TRUE(protocol::ParseChatCompletion(s["chat_completion/full.json"]).ok());
  EXPECT_FALSE(protocol::ParseChatCompletion(s["chat_completion/refused.json"]).ok());
  auto overflow = protocol::ParseChatCompletion(s["chat_completion/number_overflow.json"]);
  ASSERT_FALSE(overflow.ok());
  EXPECT_EQ(overflow.status().code(), Code::kParse);
  EXPECT_TRUE(protocol::DecodeChatRequest(bytes("chat_request_decode/full.cbor")).ok());
  auto tee = protocol::DecodeChatReceipt(bytes("chat_receipt_decode/tee.cbor"));
  ASSERT_TRUE(tee.ok()) << tee.status().ToString();
  EXPECT_TRUE(protocol::VerifyChatEnclaveSignature(*tee).ok());
  EXPECT_TRUE(protocol::VerifyChatNodeSignature(*tee).ok());
  EXPECT_TRUE(protocol::ChatChunkFromJson(s["chat_chunk_json/second.json"]).ok());
  std::string signed_frame = s["tee_enclave_chat/signed.txt"];
  EXPECT_TRUE(tee::ChatRequestFromJson(signed_frame.substr(0, signed_frame.find('\n'))).ok());
}

}  // namespace
}  // namespace vinet::chat

// The node's chat endpoint end to end in one process: a real Node and
// HttpServer over a fake chain RPC (abci_query answers from a map) and a fake
// deterministic ChatRunner. Checks the answer verifies (chunks, receipt, node
// signature), the fee is the receipt's price, streams follow the documented
// SSE sequence, refusals are OpenAI-shaped and store nothing, a client that
// leaves mid-stream is charged for the chunks written, and the stored answer
// survives a restart on the same data dir.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "fake_rpc_call.h"
#include "unit/node/node_test_util.h"
#include "vinet/chain/rpc_client.h"
#include "vinet/node/http_server.h"
#include "vinet/node/node.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_stream.h"

namespace vinet::node {
namespace {

using json = nlohmann::json;
const std::string kModel(64, 'c');
constexpr uint64_t kFeePer = 5, kPriceIn = 2, kPriceOut = 3;

// abci_query over JSON-RPC, values from a map; anything else "not found".
class FakeChain {
 public:
  FakeChain() {
    ::vinet::testing::ServeRpc(server_, [this](const httplib::Request& req,
                                               httplib::Response& res) {
      json body = ::vinet::testing::RpcCall(req);
      std::string path = body["params"].value("path", "");
      std::lock_guard lock(mu_);
      json resp = {{"code", 1}, {"log", "not found"}, {"height", "1"}};
      if (auto it = values_.find(path); it != values_.end()) {
        resp = {{"code", 0}, {"height", "1"}, {"value", chain::Base64Encode(ToBytes(it->second))}};
      }
      res.set_content(json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", {{"response", resp}}}}.dump(),
                      "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeChain() {
    server_.stop();
    thread_.join();
  }
  void Set(const std::string& path, const json& value) {
    std::lock_guard lock(mu_);
    values_[path] = value.dump();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, std::string> values_;
};

// One token per delta ("w<i> "), `answer_tokens` then "stop"; a prompt
// costs 3 + 1 per message + 1 per 4 content bytes; context 1024.
class FakeRunner : public tee::ChatRunner {
 public:
  uint32_t answer_tokens = 20;
  std::atomic<int> delay_ms{0};

  std::vector<tee::ChatModelInfo> ChatModels() const override { return {{kModel, "fake", 1024}}; }
  Result<uint32_t> PromptTokens(const protocol::ChatRequest& r) override {
    if (r.model_id != kModel) return Error(Code::kNotFound, "model " + r.model_id);
    uint32_t n = 3;
    for (const auto& m : r.messages) n += 1 + static_cast<uint32_t>(m.content.size() / 4);
    if (n + r.max_tokens > 1024) {
      return Error(Code::kOutOfRange, "prompt of " + std::to_string(n) + " tokens plus " +
                                          std::to_string(r.max_tokens) +
                                          " exceeds the context 1024");
    }
    return n;
  }
  Result<tee::ChatOutcome> Run(
      const protocol::ChatRequest& r, uint32_t max_completion,
      const std::function<bool(const tee::ChatDelta&)>& on_delta) override {
    tee::ChatOutcome o;
    VINET_ASSIGN_OR_RETURN(o.prompt_tokens, PromptTokens(r));
    o.seed = r.seed.value_or(42);
    uint32_t limit = max_completion == 0 ? r.max_tokens : std::min(r.max_tokens, max_completion);
    for (uint32_t i = 0;; ++i) {
      if (i == answer_tokens) {
        o.finish_reason = "stop";
        break;
      }
      if (i == limit) {
        o.finish_reason = "length";
        break;
      }
      if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
      tee::ChatDelta d{{static_cast<int32_t>(100 + i)}, "w" + std::to_string(i) + " "};
      if (!on_delta(d)) {
        o.finish_reason = "cancelled";
        break;
      }
      o.tokens.insert(o.tokens.end(), d.tokens.begin(), d.tokens.end());
      o.text += d.text;
    }
    return o;
  }
};

class ChatNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::SaveKeyFile(node_key_, dir_.path / "node.key").ok());
    std::filesystem::create_directories(dir_.path / "models");
    chain_.Set("/model/" + kModel, {{"fee_per_inference", kFeePer},
                                    {"modes", {"VANILLA"}},
                                    {"format", "gguf"},
                                    {"price_per_input_token", kPriceIn},
                                    {"price_per_output_token", kPriceOut}});
    chain_.Set("/account/" + crypto::AddressOf(client_.public_key()), {{"balance", 100000}});
    Start();
  }
  void TearDown() override { Stop(); }

  void Start() {
    NodeConfig c;
    c.data_dir = dir_.path / "data";
    c.key_file = dir_.path / "node.key";
    c.models_dir = dir_.path / "models";
    c.chain_rpc = {chain_.url()};
    c.chain_id = "c";
    c.require_deposit = false;
    auto runner = std::make_unique<FakeRunner>();
    runner_ = runner.get();
    auto node = Node::Create(c, std::move(runner));
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(*node);
    server_ = std::make_unique<HttpServer>(*node_);
    auto port = server_->Start("127.0.0.1", 0, 8);
    ASSERT_TRUE(port.ok());
    port_ = *port;
  }
  void Stop() {
    if (server_) server_->Stop();
    server_.reset();
    node_.reset();
  }

  std::string Body(const std::string& extra = "", const std::string& content = "hello there") {
    return "{\"model\":\"" + kModel + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" +
           content + "\"}]" + extra + "}";
  }
  // The header for `body`, signed by the client for this node.
  std::string Header(const std::string& body, uint64_t max_fee = 1000,
                     protocol::Mode mode = protocol::Mode::kVanilla) {
    auto params = protocol::ParseChatCompletion(body);
    EXPECT_TRUE(params.ok()) << params.status().ToString();
    protocol::InferenceRequest r;
    r.chain_id = "c";
    r.node_pubkey = node_key_.public_key();
    r.max_fee = max_fee;
    r.nonce = ++nonce_;
    r.timestamp_ms = WallMs();
    r.expires_ms = r.timestamp_ms + 600'000;
    r.kind = protocol::PayloadKind::kChat;
    r.model_id = params->request.model_id;
    r.mode = mode;
    auto h = protocol::ChatRequestHash(params->request);
    r.input_hash.assign(h.begin(), h.end());
    return chain::Base64Encode(protocol::EncodeSignedRequest(protocol::SignRequest(r, client_)));
  }
  httplib::Result Post(const std::string& body, const std::string& header) {
    httplib::Client cli("127.0.0.1", port_);
    cli.set_read_timeout(30);
    httplib::Headers h;
    if (!header.empty()) h.emplace("X-Vinet-Request", header);
    return cli.Post("/v1/chat/completions", h, body, "application/json");
  }
  // Verifies chunks + receipt as a client would; returns the verified text.
  std::string Verify(const std::string& id_hex, const json& chunks, const json& receipt_json) {
    auto id = FromHex(id_hex);
    EXPECT_TRUE(id.ok());
    protocol::ChatStreamVerifier v(*id, node_key_.public_key());
    for (const auto& c : chunks) {
      auto chunk = protocol::ChatChunkFromJson(c.dump());
      EXPECT_TRUE(chunk.ok());
      EXPECT_TRUE(v.Accept(*chunk).ok());
    }
    auto receipt = protocol::ChatReceiptFromJson(receipt_json.dump());
    EXPECT_TRUE(receipt.ok());
    EXPECT_TRUE(v.Finish(*receipt).ok());
    EXPECT_TRUE(protocol::VerifyChatNodeSignature(*receipt).ok());
    return v.text();
  }
  size_t Stored() { return node_->ledger().OpenCount(); }

  vinet::node::testing::TempDir dir_;
  FakeChain chain_;
  crypto::SecretKey node_key_ = crypto::SecretKey::Generate();
  crypto::SecretKey client_ = crypto::SecretKey::Generate();
  FakeRunner* runner_ = nullptr;
  std::unique_ptr<Node> node_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  uint64_t nonce_ = 0;
};

TEST_F(ChatNodeTest, NonStreamedAnswerVerifiesAndIsPricedByItsTokens) {
  std::string body = Body(",\"max_tokens\":8,\"seed\":3");
  std::string header = Header(body);
  auto res = Post(body, header);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json a = json::parse(res->body);
  EXPECT_EQ(a["object"], "chat.completion");
  EXPECT_EQ(a["model"], kModel);
  std::string id = a["vinet"]["inference_id"];
  EXPECT_EQ(a["id"], "chatcmpl-" + id);
  EXPECT_EQ(a["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(a["choices"][0]["finish_reason"], "length");  // 8 < 20 tokens
  EXPECT_EQ(a["usage"]["completion_tokens"], 8);
  uint32_t prompt = a["usage"]["prompt_tokens"];
  EXPECT_EQ(prompt, 3u + 1u + 11u / 4u);
  EXPECT_EQ(a["vinet"]["signer"], ToHex(node_key_.public_key()));
  EXPECT_EQ(a["vinet"]["mode"], "VANILLA");
  std::string text = Verify(id, a["vinet"]["chunks"], a["vinet"]["receipt"]);
  EXPECT_EQ(text, a["choices"][0]["message"]["content"]);
  EXPECT_EQ(text, "w0 w1 w2 w3 w4 w5 w6 w7 ");
  EXPECT_EQ(a["vinet"]["fee"], kFeePer + prompt * kPriceIn + 8 * kPriceOut);
  // Stored and queued once, with the chat receipt as the claim.
  auto claim = node_->ledger().Get(id);
  ASSERT_TRUE(claim.ok());
  EXPECT_EQ(claim->fee, a["vinet"]["fee"]);
  EXPECT_TRUE(protocol::LooksLikeChatReceipt(claim->receipt));
  httplib::Client cli("127.0.0.1", port_);
  auto got = cli.Get("/v1/inferences/" + id);
  ASSERT_TRUE(got);
  json g = json::parse(got->body);
  EXPECT_EQ(g["kind"], "chat");
  EXPECT_EQ(g["status"], "ACCEPTED");
  EXPECT_EQ(g["text"], text);
  EXPECT_EQ(Verify(id, g["chunks"], g["receipt"]), text);
  // The same signed request again: refused, nothing more stored.
  auto again = Post(body, header);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409) << again->body;
  EXPECT_EQ(json::parse(again->body)["error"]["inference_id"], id);
  EXPECT_EQ(Stored(), 1u);
}

TEST_F(ChatNodeTest, StreamFollowsTheDocumentedEventSequence) {
  std::string body = Body(",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
  auto res = Post(body, Header(body));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_NE(res->get_header_value("Content-Type").find("text/event-stream"), std::string::npos);
  std::string id = res->get_header_value("X-Vinet-Inference-Id");
  EXPECT_EQ(res->get_header_value("X-Vinet-Signer"), ToHex(node_key_.public_key()));
  std::vector<std::string> events;
  size_t pos = 0;
  while (pos < res->body.size()) {
    size_t end = res->body.find("\n\n", pos);
    ASSERT_NE(end, std::string::npos);
    std::string e = res->body.substr(pos, end - pos);
    ASSERT_TRUE(e.starts_with("data: ")) << e;
    events.push_back(e.substr(6));
    pos = end + 2;
  }
  ASSERT_EQ(events.size(), 1u + 20u + 1u + 1u + 1u);  // role, chunks, final, usage, DONE
  EXPECT_EQ(events.back(), "[DONE]");
  json role = json::parse(events[0]);
  EXPECT_EQ(role["object"], "chat.completion.chunk");
  EXPECT_EQ(role["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(role["vinet"]["inference_id"], id);
  json chunks = json::array();
  std::string content;
  for (size_t i = 1; i <= 20; ++i) {
    json e = json::parse(events[i]);
    EXPECT_TRUE(e["choices"][0]["finish_reason"].is_null());
    content += e["choices"][0]["delta"]["content"].get<std::string>();
    chunks.push_back(e["vinet"]);
  }
  json fin = json::parse(events[21]);
  EXPECT_EQ(fin["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(Verify(id, chunks, fin["vinet"]["receipt"]), content);
  json usage = json::parse(events[22]);
  EXPECT_TRUE(usage["choices"].empty());
  EXPECT_EQ(usage["usage"]["completion_tokens"], 20);
  EXPECT_EQ(fin["vinet"]["fee"],
            kFeePer + usage["usage"]["prompt_tokens"].get<uint64_t>() * kPriceIn + 20 * kPriceOut);
  EXPECT_TRUE(node_->ledger().Get(id).ok());
}

TEST_F(ChatNodeTest, RefusalsAreOpenAiShapedAndStoreNothing) {
  struct Case {
    std::string name, body, header;
    int status;
    std::string param;
  };
  std::string ok = Body();
  std::string other = Body(",\"max_tokens\":9");
  std::string longp = Body("", std::string(4000, 'x'));
  std::string unknown = "{\"model\":\"" + std::string(64, 'd') +
                        "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
  std::vector<Case> cases = {
      {"no header", ok, "", 401, ""},
      {"garbled header", ok, "!!", 401, ""},
      {"body not the signed one", other, Header(ok), 400, ""},
      {"empty messages", "{\"model\":\"" + kModel + "\",\"messages\":[]}", Header(ok), 400,
       "messages"},
      {"unknown role",
       "{\"model\":\"" + kModel + "\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}",
       Header(ok), 400, "messages[0].role"},
      {"n > 1", Body(",\"n\":2"), Header(ok), 400, "n"},
      {"unsupported param", Body(",\"logprobs\":true"), Header(ok), 400, "logprobs"},
      {"prompt beyond context", longp, Header(longp), 400, "messages"},
      {"max fee below prompt + 1 token", ok, Header(ok, kFeePer + 6 * kPriceIn), 402, ""},
      {"unknown model", unknown, Header(unknown), 404, "model"},
      {"TEE not served", ok, Header(ok, 1000, protocol::Mode::kTee), 400, "model"},
  };
  for (const auto& c : cases) {
    auto res = Post(c.body, c.header);
    ASSERT_TRUE(res) << c.name;
    EXPECT_EQ(res->status, c.status) << c.name << ": " << res->body;
    json e = json::parse(res->body, nullptr, false);
    ASSERT_TRUE(e.is_object() && e.contains("error")) << c.name;
    EXPECT_TRUE(e["error"].contains("type") && e["error"].contains("code")) << c.name;
    if (!c.param.empty()) {
      EXPECT_EQ(e["error"]["param"], c.param) << c.name << ": " << res->body;
    }
    if (c.status != 401) {
      EXPECT_TRUE(e["error"]["inference_id"].is_string()) << c.name;
    }
  }
  EXPECT_EQ(Stored(), 0u);
  // The prompt alone costs 5 + 6·2 = 17: a max fee of 20 pays one token.
  auto one = Post(ok, Header(ok, kFeePer + 6 * kPriceIn + kPriceOut + 2));
  ASSERT_TRUE(one);
  ASSERT_EQ(one->status, 200) << one->body;
  json a = json::parse(one->body);
  EXPECT_EQ(a["usage"]["prompt_tokens"], 6);
  EXPECT_EQ(a["usage"]["completion_tokens"], 1);
  EXPECT_EQ(a["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(Stored(), 1u);
}

TEST_F(ChatNodeTest, ClientLeavingMidStreamPaysForWhatWasWritten) {
  runner_->delay_ms = 30;
  runner_->answer_tokens = 50;
  std::string body = Body(",\"stream\":true,\"max_tokens\":50", "hi");
  std::string header = Header(body);
  auto sr = DecodeChatHeader(header);
  ASSERT_TRUE(sr.ok());
  std::string id = ToHex(protocol::InferenceId(*sr));
  httplib::Client cli("127.0.0.1", port_);
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/chat/completions";
  req.headers.emplace("X-Vinet-Request", header);
  req.headers.emplace("Content-Type", "application/json");
  req.body = body;
  size_t events = 0;
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    for (size_t i = 0; i + 1 < n; ++i) events += data[i] == '\n' && data[i + 1] == '\n';
    return events < 6;  // the role event and ~5 chunks, then hang up
  };
  (void)cli.send(req);
  // The node notices at its next write, stops and claims what it wrote.
  Result<ClaimRecord> claim = Error(Code::kNotFound, "");
  for (int i = 0; i < 200 && !(claim = node_->ledger().Get(id)).ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(claim.ok()) << "no claim for the cancelled stream";
  auto receipt = protocol::DecodeChatReceipt(claim->receipt);
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->finish_reason, "cancelled");
  EXPECT_GE(receipt->completion_tokens, 5u);
  EXPECT_LT(receipt->completion_tokens, 50u);
  EXPECT_EQ(receipt->chunks, receipt->completion_tokens);  // one token per chunk here
  EXPECT_EQ(claim->fee,
            kFeePer + receipt->prompt_tokens * kPriceIn + receipt->completion_tokens * kPriceOut);
  // The stored answer is exactly the chunks the receipt covers.
  auto got = node_->Inference(id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["chunks"].size(), receipt->chunks);
  Verify(id, (*got)["chunks"], (*got)["receipt"]);
}

TEST_F(ChatNodeTest, StoredAnswerSurvivesARestart) {
  std::string body = Body(",\"max_tokens\":4");
  auto res = Post(body, Header(body));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  std::string id = json::parse(res->body)["vinet"]["inference_id"];
  Stop();
  Start();
  auto got = node_->Inference(id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ((*got)["text"], "w0 w1 w2 w3 ");
  EXPECT_EQ((*got)["status"], "ACCEPTED");
  EXPECT_EQ(node_->ledger().OpenClaims("ACCEPTED", 10).size(), 1u);
}

TEST_F(ChatNodeTest, ModelsListIsOpenAiShaped) {
  json models = node_->Models();
  EXPECT_EQ(models["object"], "list");
  ASSERT_EQ(models["data"].size(), 1u);
  json m = models["data"][0];
  EXPECT_EQ(m["id"], kModel);
  EXPECT_EQ(m["object"], "model");
  EXPECT_EQ(m["owned_by"], "vinet");
  EXPECT_EQ(m["kind"], "llm");
  EXPECT_EQ(m["context"], 1024);
  EXPECT_EQ(m["modes"], json::array({"VANILLA"}));
  EXPECT_EQ(m["fee"], kFeePer);
  EXPECT_EQ(m["price_per_input_token"], kPriceIn);
  EXPECT_EQ(m["price_per_output_token"], kPriceOut);
}

}  // namespace
}  // namespace vinet::node

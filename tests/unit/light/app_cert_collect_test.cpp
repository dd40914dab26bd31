// CollectAppHashCertificate against local HTTP servers that answer
// abci_query "/app_hash_sig/<h>" like validator apps: one that has not
// committed H for its first answers, a key outside the set, a dead endpoint.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "vinet/crypto/app_hash_message.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/crypto/hash.h"
#include "vinet/light/app_cert.h"

namespace vinet::light {
namespace {

using nlohmann::json;

const std::string kChain = "collect-chain";
constexpr int64_t kHeight = 7;

std::string Base64(std::string_view in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

crypto::SecretKey Key(uint8_t b) {
  return crypto::SecretKey::FromSeed(Bytes(32, b)).value();
}

// One validator app's RPC: answers code 5 ("not committed yet") `not_yet`
// times, then its signature of `app_hash` at kHeight.
class FakeSigner {
 public:
  FakeSigner(crypto::SecretKey key, Bytes app_hash, int not_yet = 0)
      : key_(std::move(key)), app_hash_(std::move(app_hash)), not_yet_(not_yet) {
    server_.Get("/abci_query", [this](const httplib::Request& req, httplib::Response& res) {
      ++asked;
      json response;
      if (req.get_param_value("path") != "\"/app_hash_sig/" + std::to_string(kHeight) + "\"") {
        response = {{"code", 1}, {"log", "unknown path"}};
      } else if (not_yet_-- > 0) {
        response = {{"code", 5}, {"log", "not committed yet"}};
      } else {
        auto sig = key_.Sign(crypto::AppHashSignBytes(kChain, kHeight, app_hash_));
        json value = {{"height", kHeight},
                      {"chain_id", kChain},
                      {"app_hash", ToHex(app_hash_)},
                      {"pub_key", ToHex(key_.public_key())},
                      {"signature", ToHex(sig)}};
        response = {{"code", 0}, {"value", Base64(value.dump())}};
      }
      json body = {{"jsonrpc", "2.0"}, {"id", -1}, {"result", {{"response", response}}}};
      res.set_content(body.dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~FakeSigner() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::atomic<int> asked{0};

 private:
  crypto::SecretKey key_;
  Bytes app_hash_;
  std::atomic<int> not_yet_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

ValidatorSet SetOf(const std::vector<crypto::SecretKey>& keys) {
  ValidatorSet set;
  for (const auto& k : keys) {
    Validator v;
    v.pub_key = k.public_key();
    auto d = crypto::Sha256(v.pub_key);
    v.address.assign(d.begin(), d.begin() + 20);
    v.voting_power = 10;
    set.validators.push_back(v);
  }
  return set;
}

// An endpoint that accepts connections and never answers (bound and
// listening, nobody accepting): each request to it ends by its timeout.
class HungEndpoint {
 public:
  HungEndpoint() : port_(server_.bind_to_any_port("127.0.0.1")) {}
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_;
};

TEST(AppCertCollect, WaitsForALateSignerAndIgnoresDeadAndForeignOnes) {
  std::vector<crypto::SecretKey> keys = {Key(1), Key(2), Key(3), Key(4)};
  Bytes hash(32, 0xab);
  FakeSigner a(keys[0], hash), b(keys[1], hash, /*not_yet=*/2), outsider(Key(9), hash);
  FakeSigner c(keys[2], hash);
  HungEndpoint hung;
  auto cert =
      CollectAppHashCertificate(kChain, kHeight, SetOf(keys),
                                {hung.url(), outsider.url(), a.url(), b.url(), c.url()}, 10'000);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(cert->app_hash, hash);
  EXPECT_EQ(cert->signed_power, 30);
  EXPECT_EQ(cert->total_power, 40);
  EXPECT_GE(b.asked.load(), 3);  // asked again until it had committed H
}

TEST(AppCertCollect, TooFewSignaturesNameWhatWasIgnoredAndWhatFailed) {
  std::vector<crypto::SecretKey> keys = {Key(1), Key(2), Key(3), Key(4)};
  Bytes hash(32, 0xab);
  FakeSigner a(keys[0], hash), outsider(Key(9), hash);
  HungEndpoint hung;
  std::string dead = hung.url();
  auto cert = CollectAppHashCertificate(kChain, kHeight, SetOf(keys),
                                        {a.url(), outsider.url(), dead}, 10'000);
  ASSERT_FALSE(cert.ok());
  EXPECT_EQ(cert.status().code(), Code::kUnavailable);
  const std::string m = cert.status().message();
  EXPECT_NE(m.find("10 of 40"), std::string::npos) << m;
  EXPECT_NE(m.find("1 not in the validator set"), std::string::npos) << m;
  EXPECT_NE(m.find("asked 3 endpoints"), std::string::npos) << m;
  EXPECT_NE(m.find(dead), std::string::npos) << m;  // its request timed out
}

TEST(AppCertCollect, TwoSidesOverAThirdAreRefused) {
  std::vector<crypto::SecretKey> keys = {Key(1), Key(2), Key(3), Key(4)};
  FakeSigner a(keys[0], Bytes(32, 1)), b(keys[1], Bytes(32, 1));
  FakeSigner c(keys[2], Bytes(32, 2)), d(keys[3], Bytes(32, 2));
  auto cert = CollectAppHashCertificate(kChain, kHeight, SetOf(keys),
                                        {a.url(), b.url(), c.url(), d.url()}, 10'000);
  ASSERT_FALSE(cert.ok());
  EXPECT_EQ(cert.status().code(), Code::kVerification) << cert.status().ToString();
}

}  // namespace
}  // namespace vinet::light

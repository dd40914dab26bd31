// The binary "infer" frame (tee/infer_frame.h): round trip, the same receipt
// as the JSON method, strict decoding of hostile frames, and the client's
// fall back to JSON against an enclave that predates the frame.
#include "vinet/tee/infer_frame.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "enclave_fixture.h"
#include "vinet/protocol/request.h"
#include "vinet/protocol/tensor_json.h"
#include "vinet/tee/enclave_server.h"
#include "vinet/tee/endpoint.h"

namespace vinet::tee {
namespace {

namespace fs = std::filesystem;

struct Signed {
  InferRequest infer;
  crypto::SecretKey node = crypto::SecretKey::Generate();
  crypto::SecretKey client = crypto::SecretKey::Generate();
};

Signed SignedInfer(uint64_t nonce) {
  Signed s;
  s.infer = testing::SignedEchoCall(s.node, s.client, nonce);
  return s;
}

TEST(InferFrame, RoundTripsWithAndWithoutASignedRequest) {
  Signed s = SignedInfer(7);
  std::string frame = EncodeInferFrame(s.infer);
  ASSERT_TRUE(IsBinaryInferFrame(frame));
  auto back = DecodeInferFrame(frame);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->inference_id, s.infer.inference_id);
  EXPECT_EQ(back->node_id, s.infer.node_id);
  EXPECT_EQ(back->model_id, "echo");
  EXPECT_EQ(back->inputs, s.infer.inputs);
  ASSERT_TRUE(back->signed_request.has_value());
  EXPECT_EQ(*back->signed_request, *s.infer.signed_request);

  s.infer.signed_request.reset();
  back = DecodeInferFrame(EncodeInferFrame(s.infer));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_FALSE(back->signed_request.has_value());
}

TEST(InferFrame, AnswersTheSameReceiptAsTheJsonMethod) {
  auto te = testing::MakeTestEnclave();
  EnclaveServer server(*te.enclave, "/nonexistent/never-started.sock");
  Signed s = SignedInfer(8);
  s.infer.signed_request.reset();  // a signed one is recorded once, then refused
  auto binary = DecodeInferReply(server.Handle(EncodeInferFrame(s.infer)));
  ASSERT_TRUE(binary.ok()) << binary.status().ToString();
  std::string json_reply = server.Handle(
      "{\"method\":\"infer\",\"inference_id\":\"" + ToHex(s.infer.inference_id) +
      "\",\"node_id\":\"" + ToHex(s.infer.node_id) + "\",\"model_id\":\"echo\",\"inputs\":" +
      protocol::TensorsToJson(s.infer.inputs).dump() + "}");
  constexpr std::string_view kOk = "{\"ok\":true,\"receipt\":";
  ASSERT_TRUE(json_reply.starts_with(kOk)) << json_reply;
  auto from_json = protocol::ReceiptFromJson(
      std::string_view(json_reply).substr(kOk.size(), json_reply.size() - kOk.size() - 1));
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  EXPECT_EQ(*binary, *from_json);
  EXPECT_TRUE(crypto::Verify(te.enclave->Info().enclave_key, protocol::EnclaveSigningBytes(*binary),
                             *binary->enclave_signature));
}

TEST(InferFrame, HostileFramesGetAPreciseJsonError) {
  auto te = testing::MakeTestEnclave();
  EnclaveServer server(*te.enclave, "/nonexistent/never-started.sock");
  Signed s = SignedInfer(9);
  std::string good = EncodeInferFrame(s.infer);
  auto refused = [&](const std::string& frame, std::string_view expect) {
    std::string reply = server.Handle(frame);
    EXPECT_NE(reply.find("\"ok\":false"), std::string::npos) << reply;
    EXPECT_NE(reply.find(expect), std::string::npos) << expect << " not in " << reply;
  };
  refused(good.substr(0, good.size() / 2), "not a vinet.enclave.v1.InferRequest");
  refused(std::string(1, kInferFrameTag), "inputs: cbor");
  Signed short_id = SignedInfer(9);
  short_id.infer.inference_id.pop_back();
  refused(EncodeInferFrame(short_id.infer), "inference_id must be 32 bytes");
  refused(good + std::string("\xf8\x01\x01", 3), "unknown field 31");  // field 31, varint 1
  // inputs (field 4) that are not EncodeTensors' form
  refused(std::string(1, kInferFrameTag) + std::string("\x22\x03"
                                                       "abc",
                                                       5),
          "inputs");
  // a signed_request (field 5) that is not a SignedRequest
  Signed unsigned_call = SignedInfer(9);
  unsigned_call.infer.signed_request.reset();
  refused(EncodeInferFrame(unsigned_call.infer) + std::string("\x2a\x02\xff\xff", 4),
          "signed_request");
  // a signed request whose signature does not verify
  Signed forged = SignedInfer(10);
  forged.infer.signed_request->signature[0] ^= 1;
  refused(EncodeInferFrame(forged.infer), "does not verify");
  // Replies: only the tag and a canonical receipt decode.
  EXPECT_EQ(DecodeInferReply("{\"ok\":true}").status().code(), Code::kParse);
  EXPECT_EQ(DecodeInferReply(std::string(1, kInferFrameTag) + "junk").status().code(),
            Code::kParse);
}

// An enclave from before the binary frame: "request is not JSON" to the
// binary frame, the real answers to JSON.
TEST(InferFrame, ClientFallsBackToJsonForAnOlderEnclave) {
  auto te = testing::MakeTestEnclave();
  EnclaveServer real(*te.enclave, "/nonexistent/never-started.sock");
  fs::path path =
      fs::temp_directory_path() / ("vinet-old-enclave-" + std::to_string(::getpid()) + ".sock");
  fs::remove(path);
  std::atomic<int> binary_frames{0};
  int listen_fd = -1;
  {
    auto ep = Endpoint::Unix(path.string());
    auto fd = ListenOn(ep);
    ASSERT_TRUE(fd.ok()) << fd.status().ToString();
    listen_fd = *fd;
  }
  std::thread old([&] {
    int conn = ::accept(listen_fd, nullptr, nullptr);
    while (conn >= 0) {
      auto frame = ReadFrame(conn);
      if (!frame.ok()) break;
      if (IsBinaryInferFrame(*frame)) {
        ++binary_frames;
        (void)WriteFrame(conn,
                         "{\"ok\":false,\"code\":\"parse\",\"error\":\"request is not JSON\"}");
        continue;
      }
      (void)WriteFrame(conn, real.Handle(*frame));
    }
    if (conn >= 0) ::close(conn);
  });
  auto client = EnclaveClient::Connect(path);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  for (uint64_t nonce : {11, 12}) {
    Signed s = SignedInfer(nonce);
    auto r = client->Infer(s.infer);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->inference_id, s.infer.inference_id);
  }
  EXPECT_EQ(binary_frames.load(), 1);  // tried once, then JSON on this connection
  ::shutdown(client->fd(), SHUT_RDWR);
  old.join();
  ::close(listen_fd);
  fs::remove(path);
}

}  // namespace
}  // namespace vinet::tee

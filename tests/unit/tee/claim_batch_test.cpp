// The enclave's side of claim batches: it records a leaf only for a request
// whose client signature it verified, attests leaves it holds once, refuses
// anything else, and keeps its record bounded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "enclave_fixture.h"
#include "test_data.h"
#include "vinet/protocol/claim_batch.h"
#include "vinet/tee/enclave_server.h"

namespace vinet::tee {
namespace {

namespace fs = std::filesystem;

struct Call {
  InferRequest infer;
  protocol::SignedRequest signed_request;
};

class EnclaveBatchTest : public ::testing::Test {
 protected:
  Call CallFor(uint64_t nonce, const crypto::SecretKey* node = nullptr) {
    InferRequest infer = testing::SignedEchoCall(node ? *node : node_, client_, nonce);
    protocol::SignedRequest sr = *infer.signed_request;
    return {std::move(infer), std::move(sr)};
  }

  // Runs the call; the leaf the chain would compute for its claim.
  crypto::Digest256 Serve(const Call& call) {
    auto receipt = te_.enclave->Infer(call.infer);
    EXPECT_TRUE(receipt.ok()) << receipt.status().ToString();
    return protocol::ClaimLeaf(protocol::InferenceId(call.signed_request),
                               protocol::EnclaveSigningBytes(*receipt));
  }

  bool VerifiesAsBatch(const crypto::Signature& sig, std::span<const crypto::Digest256> leaves) {
    auto key = te_.enclave->Info().enclave_key;
    return crypto::Verify(
        key,
        protocol::ClaimBatchSigningBytes(node_.public_key(), static_cast<uint32_t>(leaves.size()),
                                         protocol::ClaimBatchRoot(leaves)),
        sig);
  }

  testing::TestEnclave te_ = testing::MakeTestEnclave();
  crypto::SecretKey node_ = crypto::SecretKey::Generate();
  crypto::SecretKey client_ = crypto::SecretKey::Generate();
};

TEST_F(EnclaveBatchTest, AttestsServedLeavesOnceOnly) {
  std::vector<crypto::Digest256> leaves{Serve(CallFor(1)), Serve(CallFor(2)), Serve(CallFor(3))};
  auto sig = te_.enclave->AttestBatch(node_.public_key(), leaves);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(VerifiesAsBatch(*sig, leaves));
  auto again = te_.enclave->AttestBatch(node_.public_key(), std::span(leaves).subspan(1, 1));
  EXPECT_EQ(again.status().code(), Code::kNotFound);
  EXPECT_EQ(again.status().message(),
            "leaves[0]: " + ToHex(leaves[1]) + " is not a leaf this enclave holds");
  auto stats = te_.enclave->claim_leaves().stats();
  EXPECT_EQ(stats.recorded, 3u);
  EXPECT_EQ(stats.attested, 3u);
  EXPECT_EQ(stats.held, 0u);
  EXPECT_EQ(stats.refused, 1u);
}

TEST_F(EnclaveBatchTest, UnknownOrRepeatedLeafRefusesTheWholeBatch) {
  auto a = Serve(CallFor(1));
  auto b = Serve(CallFor(2));
  crypto::Digest256 unknown = a;
  unknown[0] ^= 1;
  std::vector<crypto::Digest256> with_unknown{a, unknown, b};
  auto r = te_.enclave->AttestBatch(node_.public_key(), with_unknown);
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_TRUE(r.status().message().starts_with("leaves[1]: ")) << r.status().ToString();
  std::vector<crypto::Digest256> repeated{a, b, a};
  auto rep = te_.enclave->AttestBatch(node_.public_key(), repeated);
  EXPECT_EQ(rep.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(rep.status().message(), "leaves[2]: repeats an earlier leaf");
  // Nothing was taken by the refusals.
  std::vector<crypto::Digest256> both{a, b};
  EXPECT_TRUE(te_.enclave->AttestBatch(node_.public_key(), both).ok());
}

TEST_F(EnclaveBatchTest, LeavesAnsweredForAnotherNodeAreNotItsToAttest) {
  auto other = crypto::SecretKey::Generate();
  std::vector<crypto::Digest256> leaves{Serve(CallFor(1, &other))};
  auto r = te_.enclave->AttestBatch(node_.public_key(), leaves);
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "leaves[0]: answered for another node");
  EXPECT_TRUE(te_.enclave->AttestBatch(other.public_key(), leaves).ok());
}

TEST_F(EnclaveBatchTest, BadClientSignatureOrMismatchIsRefusedAndRecordsNothing) {
  auto forged = CallFor(1);
  forged.infer.signed_request->signature[0] ^= 1;
  EXPECT_EQ(te_.enclave->Infer(forged.infer).status().code(), Code::kUnauthenticated);
  auto other_inputs = CallFor(2);
  other_inputs.infer.inputs = {protocol::F32Tensor("x", {2}, {9.0f, 9.0f})};
  auto r = te_.enclave->Infer(other_inputs.infer);
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "signed_request: input_hash is not the inputs' hash");
  auto other_id = CallFor(3);
  other_id.infer.inference_id[0] ^= 1;
  EXPECT_EQ(te_.enclave->Infer(other_id.infer).status().message(),
            "signed_request: its inference id is not inference_id");
  auto other_model = CallFor(4);
  other_model.infer.model_id = "other";
  EXPECT_EQ(te_.enclave->Infer(other_model.infer).status().message(),
            "signed_request: model_id differs");
  // Without the signed request the enclave answers but records no leaf.
  auto legacy = CallFor(5);
  legacy.infer.signed_request.reset();
  EXPECT_TRUE(te_.enclave->Infer(legacy.infer).ok());
  EXPECT_EQ(te_.enclave->claim_leaves().stats().recorded, 0u);
}

TEST_F(EnclaveBatchTest, BatchSizeAndNodeIdAreChecked) {
  EXPECT_EQ(te_.enclave->AttestBatch(node_.public_key(), {}).status().code(),
            Code::kInvalidArgument);
  std::vector<crypto::Digest256> leaves{Serve(CallFor(1))};
  EXPECT_EQ(te_.enclave->AttestBatch(Bytes(31, 1), leaves).status().code(), Code::kInvalidArgument);
}

TEST(ClaimLeafSetTest, CapDropsTheOldest) {
  ClaimLeafSet set(2);
  crypto::PublicKey node{};
  crypto::Digest256 a{}, b{}, c{};
  a[0] = 1;
  b[0] = 2;
  c[0] = 3;
  set.Record(a, node);
  set.Record(b, node);
  set.Record(c, node);
  auto stats = set.stats();
  EXPECT_EQ(stats.held, 2u);
  EXPECT_EQ(stats.dropped, 1u);
  std::vector<crypto::Digest256> first{a};
  EXPECT_EQ(set.Take(first, node).code(), Code::kNotFound);
  std::vector<crypto::Digest256> rest{c, b};
  EXPECT_TRUE(set.Take(rest, node).ok());
  EXPECT_EQ(set.stats().held, 0u);
}

TEST_F(EnclaveBatchTest, AttestBatchOverTheSocket) {
  fs::path path = fs::temp_directory_path() / ("vinet-batch-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(testing::NowMs()) + ".sock");
  EnclaveServer server(*te_.enclave, path);
  ASSERT_TRUE(server.Start().ok());
  auto client = EnclaveClient::Connect(path);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  auto call = CallFor(1);
  auto receipt = client->Infer(call.infer);  // the signed request goes along
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  std::vector<crypto::Digest256> leaves{protocol::ClaimLeaf(
      protocol::InferenceId(call.signed_request), protocol::EnclaveSigningBytes(*receipt))};
  auto sig = client->AttestBatch(node_.public_key(), leaves);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  ASSERT_EQ(sig->size(), 64u);
  crypto::Signature s;
  std::copy(sig->begin(), sig->end(), s.begin());
  EXPECT_TRUE(VerifiesAsBatch(s, leaves));
  EXPECT_EQ(client->AttestBatch(node_.public_key(), leaves).status().code(), Code::kNotFound);
  const std::string node_hex = ToHex(node_.public_key());
  for (const std::string& leaves_json : std::vector<std::string>{
           "5", "[]", "[\"00\"]", "[7]", "[\"" + std::string(64, 'z') + "\"]"}) {
    auto reply = client->Call("{\"method\":\"attest_batch\",\"node_id\":\"" + node_hex +
                              "\",\"leaves\":" + leaves_json + "}");
    ASSERT_TRUE(reply.ok());
    EXPECT_NE(reply->find("\"ok\":false"), std::string::npos) << leaves_json << " -> " << *reply;
    EXPECT_NE(reply->find("leaves"), std::string::npos) << *reply;
  }
  server.Stop();
}

// The fuzz seeds for the new request forms reach the batch logic: a signed
// request that verifies (it then fails on the input hash it was given), and
// an attest_batch of leaves this enclave never recorded.
TEST_F(EnclaveBatchTest, FuzzSeedsReachTheBatchChecks) {
  EnclaveServer server(*te_.enclave, "/nonexistent/seeds.sock");  // never started
  auto seed = [](const char* name) {
    Bytes b = testing::ReadData(std::string("../../fuzz/corpus/tee_enclave_request/") + name);
    return std::string(b.begin(), b.end());
  };
  std::string infer = server.Handle(seed("infer_signed.json"));
  EXPECT_NE(infer.find("signed_request: input_hash is not the inputs' hash"), std::string::npos)
      << infer;
  std::string attest = server.Handle(seed("attest_batch.json"));
  EXPECT_NE(attest.find("\"code\":\"not_found\""), std::string::npos) << attest;
}

}  // namespace
}  // namespace vinet::tee

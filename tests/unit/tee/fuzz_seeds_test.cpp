// The fuzz seeds are meaningful: they decode (or, for the fake, fail late).
#include <gtest/gtest.h>

#include "test_data.h"
#include "vinet/protocol/receipt.h"
#include "vinet/tee/attestation.h"
#include "vinet/tee/infer_frame.h"
#include "vinet/tee/nsm.h"

namespace vinet::tee {
namespace {

Bytes Seed(const std::string& target, const std::string& name) {
  return testing::ReadData("../../fuzz/corpus/" + target + "/" + name);
}

TEST(FuzzSeedsTest, SeedsParse) {
  for (const auto& d : testing::kRealDocs) {
    auto p = ParseAttestationPayload(Seed("tee_payload", d.file));
    EXPECT_TRUE(p.ok()) << d.file << ": " << p.status().ToString();
    EXPECT_EQ(Seed("tee_cose", d.file), testing::ReadData(d.file));
  }
  auto r = protocol::DecodeReceipt(Seed("tee_receipt", "receipt.cbor"));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(DecodeNsmAttestationResponse(Seed("tee_nsm", "attestation.cbor")).ok());
  for (const char* name : {"infer.bin", "infer_signed.bin"}) {
    Bytes frame = Seed("tee_enclave_request", name);
    auto f = DecodeInferFrame(
        std::string_view(reinterpret_cast<const char*>(frame.data()), frame.size()));
    EXPECT_TRUE(f.ok()) << name << ": " << f.status().ToString();
  }
}

}  // namespace
}  // namespace vinet::tee

// NSM message encoding and decoding (no device here: the ioctl path is only
// compiled; opening a missing device fails cleanly).
#include <gtest/gtest.h>

#include "vinet/cbor/cbor.h"
#include "vinet/tee/nsm.h"

namespace vinet::tee {
namespace {

TEST(NsmTest, AttestationRequestEncoding) {
  AttestationRequest req;
  req.nonce = Bytes{0xaa, 0xbb};
  Bytes enc = EncodeNsmAttestationRequest(req);
  // {"Attestation": {"user_data": null, "nonce": h'aabb', "public_key": null}}
  EXPECT_EQ(ToHex(enc),
            "a1"
            "6b" +
                ToHex(AsBytes("Attestation")) +
                "a3"
                "69" +
                ToHex(AsBytes("user_data")) +
                "f6"
                "65" +
                ToHex(AsBytes("nonce")) +
                "42aabb"
                "6a" +
                ToHex(AsBytes("public_key")) + "f6");
  EXPECT_EQ(ToHex(EncodeNsmDescribeRequest()), "6b" + ToHex(AsBytes("DescribeNSM")));
}

TEST(NsmTest, AttestationResponseDecoding) {
  cbor::Writer w;
  w.Map(1).Text("Attestation").Map(1).Text("document").Bstr(Bytes{1, 2, 3});
  auto doc = DecodeNsmAttestationResponse(w.bytes());
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*doc, (Bytes{1, 2, 3}));

  cbor::Writer err;
  err.Map(1).Text("Error").Text("InvalidArgument");
  auto e = DecodeNsmAttestationResponse(err.bytes());
  EXPECT_EQ(e.status().code(), Code::kUnavailable);
  EXPECT_NE(e.status().message().find("InvalidArgument"), std::string::npos);

  cbor::Writer wrong;
  wrong.Map(1).Text("Attestation").Map(1).Text("document").Text("x");
  EXPECT_EQ(DecodeNsmAttestationResponse(wrong.bytes()).status().code(), Code::kParse);
  EXPECT_EQ(DecodeNsmAttestationResponse(Bytes{0xa1}).status().code(), Code::kParse);
}

TEST(NsmTest, DescribeResponseDecoding) {
  cbor::Writer w;
  w.Map(1).Text("DescribeNSM").Map(6);
  w.Text("version_major").Uint(1).Text("version_minor").Uint(0).Text("version_patch").Uint(2);
  w.Text("module_id").Text("i-123-enc456").Text("max_pcrs").Uint(32).Text("digest").Text("SHA384");
  auto d = DecodeNsmDescribeResponse(w.bytes());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->module_id, "i-123-enc456");
  EXPECT_EQ(d->max_pcrs, 32);
}

TEST(NsmTest, OpenWithoutDeviceFails) {
  auto p = NitroProvider::Open("/nonexistent/nsm");
  EXPECT_EQ(p.status().code(), Code::kIo);
}

}  // namespace
}  // namespace vinet::tee

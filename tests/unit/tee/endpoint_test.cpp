// ParseEndpoint: every form, and a precise message (field, byte offset) for
// each kind of malformed text.
#include <gtest/gtest.h>

#include <string>

#include "vinet/tee/endpoint.h"

namespace vinet::tee {
namespace {

TEST(EndpointTest, ParsesEveryForm) {
  auto u = ParseEndpoint("unix:/run/vinet/enclave.sock");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->kind, Endpoint::Kind::kUnix);
  EXPECT_EQ(u->path, "/run/vinet/enclave.sock");

  auto bare = ParseEndpoint("enclave.sock");  // older configs: a bare path
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->kind, Endpoint::Kind::kUnix);
  EXPECT_EQ(bare->ToString(), "unix:enclave.sock");
  auto colon_path = ParseEndpoint("/tmp/a:b/enclave.sock");  // ':' after a '/': a path
  ASSERT_TRUE(colon_path.ok());
  EXPECT_EQ(colon_path->path, "/tmp/a:b/enclave.sock");

  auto v = ParseEndpoint("vsock:16:5000");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->kind, Endpoint::Kind::kVsock);
  EXPECT_EQ(v->cid, 16u);
  EXPECT_EQ(v->port, 5000u);
  auto any = ParseEndpoint("vsock:any:5000");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->cid, kVsockAnyCid);
  EXPECT_EQ(any->ToString(), "vsock:any:5000");
  EXPECT_TRUE(ParseEndpoint("vsock:4294967294:4294967294").ok());

  auto t = ParseEndpoint("tcp:127.0.0.1:9000");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, Endpoint::Kind::kTcp);
  EXPECT_EQ(t->address, "127.0.0.1");
  EXPECT_EQ(t->port, 9000u);
  for (const char* text : {"unix:/x", "vsock:3:1", "vsock:any:7", "tcp:10.0.0.1:0"}) {
    auto e = ParseEndpoint(text);
    ASSERT_TRUE(e.ok()) << text;
    EXPECT_EQ(e->ToString(), text);
  }
}

TEST(EndpointTest, RejectsMalformedTextPrecisely) {
  struct Case {
    std::string text;
    std::string message;  // a fragment of the error
  };
  const Case cases[] = {
      {"", "empty"},
      {std::string(513, 'a'), "513 bytes, over 512"},
      {"unix:", "unix socket path is empty at byte 5"},
      {"unix:/" + std::string(120, 'p'), "over 107 at byte 5"},
      {std::string("unix:/a\0b", 9), "NUL byte at byte 7"},
      {"vsock:16", "no ':' after the CID at byte 8"},
      {"vsock::5000", "CID is empty at byte 6"},
      {"vsock:x1:5000", "CID \"x1\" is not a decimal number at byte 6"},
      {"vsock:-1:5000", "is not a decimal number at byte 6"},
      {"vsock:4294967295:1", "CID 4294967295 is over 4294967294 at byte 6"},
      {"vsock:99999999999:1", "over 10 digits at byte 6"},
      {"vsock:16:", "port is empty at byte 9"},
      {"vsock:16:50 0", "port \"50 0\" is not a decimal number at byte 11"},
      {"vsock:16:4294967295", "port 4294967295 is over 4294967294 at byte 9"},
      {"tcp:127.0.0.1", "no ':' before the port at byte 13"},
      {"tcp:localhost:80", "address \"localhost\" is not an IPv4 dotted quad at byte 4"},
      {"tcp:256.0.0.1:80", "not an IPv4 dotted quad at byte 4"},
      {"tcp:127.0.0.1:65536", "port 65536 is over 65535 at byte 14"},
      {"tcp:127.0.0.1:+80", "is not a decimal number at byte 14"},
      {"vsok:16:5000", "unknown transport \"vsok\""},
      {"http://x", "unknown transport \"http\""},
  };
  for (const auto& c : cases) {
    auto e = ParseEndpoint(c.text);
    ASSERT_FALSE(e.ok()) << c.text;
    EXPECT_EQ(e.status().code(), Code::kInvalidArgument);
    EXPECT_NE(e.status().message().find(c.message), std::string::npos)
        << "text " << c.text << ": " << e.status().message();
  }
}

}  // namespace
}  // namespace vinet::tee

// The strict CBOR decoder and the writer.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>

#include "unit/common/growth.h"
#include "vinet/cbor/cbor.h"

namespace vinet::cbor {
namespace {

// Decoded values point into their input, so inputs live for the whole test run.
Result<Value> D(std::string_view hex) {
  static std::deque<Bytes> inputs;
  inputs.push_back(*FromHex(hex));
  return Decode(inputs.back());
}

void ExpectParse(std::string_view hex, std::string_view reason) {
  auto r = D(hex);
  ASSERT_FALSE(r.ok()) << hex;
  EXPECT_EQ(r.status().code(), Code::kParse);
  EXPECT_NE(r.status().message().find(reason), std::string::npos)
      << hex << ": " << r.status().ToString();
}

TEST(CborTest, ScalarsAndSpans) {
  auto v = D("1903e8");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->type, Type::kUnsigned);
  EXPECT_EQ(v->uint, 1000u);
  auto n = D("3822");
  EXPECT_EQ(n->type, Type::kNegative);
  EXPECT_EQ(n->uint, 34u);  // -35
  auto m = D("a2616101616202");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->Find("b")->uint, 2u);
  EXPECT_EQ(m->Find("b")->offset, 6u);
  EXPECT_EQ(ToHex(m->Find("a")->raw), "01");
  EXPECT_EQ(m->Find("zz"), nullptr);
  EXPECT_TRUE(D("f6")->IsNull());
  EXPECT_EQ(D("fb3ff0000000000000")->type, Type::kFloat);
}

TEST(CborTest, IndefiniteContainers) {
  auto m = D("bf6161016162820102ff");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->indefinite);
  EXPECT_EQ(m->map_size(), 2u);
  EXPECT_EQ(m->Find("b")->items.size(), 2u);
  EXPECT_EQ(D("9f0102ff")->items.size(), 2u);
  ExpectParse("bf616101", "without break");
  ExpectParse("5f4101ff", "indefinite-length string not supported");
  ExpectParse("ff", "unexpected break");
  ExpectParse("1f", "indefinite length not allowed");
}

TEST(CborTest, RejectsMalformed) {
  ExpectParse("0000", "1 trailing byte(s) at offset 1");
  ExpectParse("1c", "reserved additional info 28");
  ExpectParse("19", "truncated argument");
  ExpectParse("5a00000005", "past end");
  ExpectParse("9b00000000ffffffff", "array count past end");
  ExpectParse("bb00000000ffffffff", "map count past end");
  ExpectParse("", "unexpected end of input");
  ExpectParse("f800", "non-canonical simple value");
  ExpectParse("a1a00000", "map key of type map");
}

TEST(CborTest, DuplicateKeysComparedByValue) {
  ExpectParse("a2616101616102", "duplicate map key at offset 4");
  ExpectParse("a20100180102", "duplicate map key");  // 1 and 0x1801 are the same key
  ExpectParse("bf01000102ff", "duplicate map key");
  EXPECT_TRUE(D("a201002000").ok());  // 1 and -1 differ
}

TEST(CborTest, DepthLimit) {
  std::string deep(2 * (kMaxDepth + 2), '8');
  for (size_t i = 1; i < deep.size(); i += 2) deep[i] = '1';
  deep += "00";
  ExpectParse(deep, "nesting deeper");
}

TEST(CborTest, TextMustBeUtf8) {
  EXPECT_TRUE(D("63e282ac").ok());  // U+20AC
  ExpectParse("6190", "invalid UTF-8");
  ExpectParse("62c0af", "invalid UTF-8");    // overlong '/'
  ExpectParse("63eda080", "invalid UTF-8");  // surrogate
  ExpectParse("62e282", "invalid UTF-8");    // truncated sequence
  EXPECT_TRUE(D("4190").ok());               // bytes are not text
}

TEST(CborTest, WriterIsShortestFormAndRoundTrips) {
  Writer w;
  w.Map(3).Uint(23).Uint(24).Int(-25).Uint(0x10000).Text("k").Bstr(Bytes{1});
  EXPECT_EQ(ToHex(w.bytes()),
            "a3"
            "17"
            "1818"
            "3818"
            "1a00010000"
            "616b"
            "4101");
  auto v = Decode(w.bytes());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->map_size(), 3u);
  Writer big;
  big.Uint(0x100000000ULL);
  EXPECT_EQ(ToHex(big.bytes()), "1b0000000100000000");
}

// A map of `n` distinct text keys "k<i>" (all values 0), definite length,
// in a scrambled order (sorted keys would skip the sort).
Bytes BigMap(size_t n) {
  Writer w;
  w.Map(n);
  for (size_t i = 0; i < n; ++i) {
    size_t k = (i * 2654435761u) % n;  // a fixed permutation when gcd(2654435761, n) = 1
    w.Text("k" + std::to_string(k) + "." + std::to_string(i)).Uint(0);
  }
  return std::move(w).bytes();
}

TEST(CborTest, DuplicateKeysFoundInLargeMaps) {
  Writer w;
  w.Map(20);
  for (int i = 0; i < 19; ++i) w.Uint(static_cast<uint64_t>(i)).Uint(0);
  w.Uint(3).Uint(0);  // repeats key 3, after the pairwise window
  Bytes b = std::move(w).bytes();
  auto r = Decode(b);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("duplicate map key at offset 39"), std::string::npos)
      << r.status().ToString();
  // Indefinite maps are checked at their break.
  Writer iw;
  iw.IndefiniteMap();
  for (int i = 0; i < 12; ++i) iw.Text("x" + std::to_string(i % 11)).Uint(0);
  iw.Break();
  EXPECT_FALSE(Decode(iw.bytes()).ok());
  EXPECT_TRUE(Decode(BigMap(5000)).ok());
}

TEST(CborTest, LimitsCheckedBeforeWork) {
  Bytes big = BigMap(100);
  Limits small;
  small.max_bytes = big.size() - 1;
  auto r = Decode(big, small);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("exceeds"), std::string::npos);
  Limits items;
  items.max_items = 200;  // the map + 100 keys + 100 values = 201
  r = Decode(big, items);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("more than 200 items"), std::string::npos);
  items.max_items = 201;
  EXPECT_TRUE(Decode(big, items).ok());
  Limits no_maps;
  no_maps.allow_maps = false;
  r = Decode(big, no_maps);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("map not allowed here at offset 0"), std::string::npos);
  Bytes nested = *FromHex("82a0bfff");
  r = Decode(nested, no_maps);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("map not allowed here at offset 1"), std::string::npos);
  Limits shallow;
  shallow.max_depth = 1;
  EXPECT_TRUE(Decode(*FromHex("8100"), shallow).ok());
  EXPECT_FALSE(Decode(*FromHex("818100"), shallow).ok());
  // The default item cap bounds a 1 MiB array of one-byte items.
  Bytes flat(1 + 4 + 200000, 0x00);
  flat[0] = 0x9a;
  flat[1] = 0x00, flat[2] = 0x03, flat[3] = 0x0d, flat[4] = 0x40;  // 200000 items
  r = Decode(flat);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("items"), std::string::npos);
}

// Decodes `b` once under `limits` (must succeed).
void DecodeOnce(const Bytes& b, const Limits& limits) {
  EXPECT_TRUE(Decode(b, limits).ok());
}

// The largest legal map (max_items / 2 entries) and half of it: doubling the
// input must not more than ~double the time (a pairwise duplicate check made
// it 4x: 30 s for a 960 KB receipt map). Checked with 4x the default item
// limit, where both trees are far larger than any CPU cache (at the default
// the half tree may fit in a cache the full one misses, which is noise).
void ExpectLinear(const Limits& limits) {
  const size_t full = (limits.max_items - 1) / 2;
  Bytes half_map = BigMap(full / 2), full_map = BigMap(full);
  double ratio = vinet::testing::GrowthRatio([&] { DecodeOnce(half_map, limits); },
                                             [&] { DecodeOnce(full_map, limits); }, 9);
  EXPECT_LE(ratio, 2.5) << full << " entries: doubling the map took " << ratio << "x as long";
}

TEST(CborTest, MaximalMapDecodesInLinearTime) {
  Limits big;
  big.max_items = 4 * Limits{}.max_items;
  ExpectLinear(big);
}

}  // namespace
}  // namespace vinet::cbor

#include "zk/common/sha256_fast.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <vector>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

// SHA-256 (FIPS 180-4) for the short messages of Merkle trees and grinding,
// without the per-call overhead of a generic digest API: the x86 SHA
// extensions when the CPU has them (checked once at run time), a portable
// compression function otherwise. Both are checked against OpenSSL in
// tests/unit/zk/pcs_test.cpp.
namespace vinet::zk::detail {
namespace {

alignas(16) constexpr uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr uint32_t kInit[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

inline uint32_t Rotr(uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

void CompressPortable(uint32_t state[8], const uint8_t* block, size_t blocks) {
  for (; blocks > 0; --blocks, block += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      w[i] = (uint32_t{block[4 * i]} << 24) | (uint32_t{block[4 * i + 1]} << 16) |
             (uint32_t{block[4 * i + 2]} << 8) | uint32_t{block[4 * i + 3]};
    }
    for (int i = 16; i < 64; ++i) {
      uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int i = 0; i < 64; ++i) {
      uint32_t t1 =
          h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
      uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
  }
}

#if defined(__x86_64__)
// The SHA extensions keep the state as (A,B,E,F) and (C,D,G,H) and run two
// rounds per sha256rnds2; message words are scheduled four at a time. N
// independent messages (equal block counts) go through the rounds
// interleaved: sha256rnds2 has a latency of several cycles, so a second
// message's rounds fill the gaps of the first's dependency chain.
template <size_t N>
[[gnu::target("sha,sse4.1,ssse3")]] void CompressShaNiLanes(uint32_t* const* state,
                                                            const uint8_t* const* block,
                                                            size_t blocks) {
  const __m128i kSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i st0[N], st1[N];
  for (size_t l = 0; l < N; ++l) {
    __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state[l]));
    __m128i s1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state[l] + 4));
    tmp = _mm_shuffle_epi32(tmp, 0xB1);       // C D A B
    s1 = _mm_shuffle_epi32(s1, 0x1B);         // E F G H
    st0[l] = _mm_alignr_epi8(tmp, s1, 8);     // A B E F
    st1[l] = _mm_blend_epi16(s1, tmp, 0xF0);  // C D G H
  }
  for (size_t k = 0; k < blocks; ++k) {
    __m128i save0[N], save1[N];
    __m128i m[N][4];
    for (size_t l = 0; l < N; ++l) {
      save0[l] = st0[l];
      save1[l] = st1[l];
    }
#pragma GCC unroll 16
    for (int j = 0; j < 16; ++j) {
#pragma GCC unroll 4
      for (size_t l = 0; l < N; ++l) {
        __m128i& mj = m[l][j % 4];
        if (j < 4) {
          mj = _mm_shuffle_epi8(
              _mm_loadu_si128(reinterpret_cast<const __m128i*>(block[l] + 64 * k + 16 * j)), kSwap);
        }
        __m128i msg =
            _mm_add_epi32(mj, _mm_load_si128(reinterpret_cast<const __m128i*>(kK + 4 * j)));
        st1[l] = _mm_sha256rnds2_epu32(st1[l], st0[l], msg);
        if (j >= 3 && j <= 14) {
          __m128i& next = m[l][(j + 1) % 4];
          next = _mm_add_epi32(next, _mm_alignr_epi8(mj, m[l][(j + 3) % 4], 4));
          next = _mm_sha256msg2_epu32(next, mj);
        }
        msg = _mm_shuffle_epi32(msg, 0x0E);
        st0[l] = _mm_sha256rnds2_epu32(st0[l], st1[l], msg);
        if (j >= 1 && j <= 12) {
          __m128i& prev = m[l][(j + 3) % 4];
          prev = _mm_sha256msg1_epu32(prev, mj);
        }
      }
    }
    for (size_t l = 0; l < N; ++l) {
      st0[l] = _mm_add_epi32(st0[l], save0[l]);
      st1[l] = _mm_add_epi32(st1[l], save1[l]);
    }
  }
  for (size_t l = 0; l < N; ++l) {
    __m128i tmp = _mm_shuffle_epi32(st0[l], 0x1B);  // F E B A
    __m128i s1 = _mm_shuffle_epi32(st1[l], 0xB1);   // D C H G
    __m128i a = _mm_blend_epi16(tmp, s1, 0xF0);     // D C B A
    __m128i b = _mm_alignr_epi8(s1, tmp, 8);        // H G F E
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state[l]), a);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state[l] + 4), b);
  }
}

void CompressShaNi(uint32_t state[8], const uint8_t* block, size_t blocks) {
  CompressShaNiLanes<1>(&state, &block, blocks);
}

// CPUID: leaf 7 EBX bit 29 = SHA; leaf 1 ECX bit 19 = SSE4.1, bit 9 = SSSE3.
bool HasShaNi() {
  static const bool has = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) || !(c & (1u << 9))) return false;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return (b & (1u << 29)) != 0;
  }();
  return has;
}
#endif

void Compress(uint32_t state[8], const uint8_t* block, size_t blocks) {
#if defined(__x86_64__)
  if (HasShaNi()) return CompressShaNi(state, block, blocks);
#endif
  CompressPortable(state, block, blocks);
}

// Four independent messages of `blocks` blocks each.
void Compress4(uint32_t* const* states, const uint8_t* const* data, size_t blocks) {
#if defined(__x86_64__)
  if (HasShaNi()) return CompressShaNiLanes<4>(states, data, blocks);
#endif
  for (int l = 0; l < 4; ++l) CompressPortable(states[l], data[l], blocks);
}

}  // namespace

namespace {

struct NodeIv {
  uint32_t s[8];
  NodeIv() {
    std::memcpy(s, kInit, sizeof(s));
    uint8_t block[64] = {};
    static constexpr char kLabel[] = "vinet.zk.merkle.node.v1";
    std::memcpy(block, kLabel, sizeof(kLabel) - 1);
    Compress(s, block, 1);
  }
};

const NodeIv& TheNodeIv() {
  static const NodeIv iv;
  return iv;
}

// The big-endian bytes of a final SHA-256 state.
Digest DigestOf(const uint32_t state[8]) {
  Digest out;
  for (int i = 0; i < 8; ++i) {
    uint32_t be = __builtin_bswap32(state[i]);
    std::memcpy(out.data() + 4 * i, &be, 4);
  }
  return out;
}

}  // namespace

Digest Sha256CompressNode(const Digest& left, const Digest& right) {
  uint32_t state[8];
  std::memcpy(state, TheNodeIv().s, sizeof(state));
  uint8_t block[64];
  std::memcpy(block, left.data(), 32);
  std::memcpy(block + 32, right.data(), 32);
  Compress(state, block, 1);
  return DigestOf(state);
}

void Sha256CompressNodes(const Digest* children, size_t count, Digest* out) {
  // Node i's block is children[2i] || children[2i + 1]: 64 contiguous bytes
  // (Digest is a plain byte array), hashed in place, four at a time.
  static_assert(sizeof(Digest) == 32);
  const auto* bytes = reinterpret_cast<const uint8_t*>(children);
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    uint32_t state[4][8];
    uint32_t* states[4];
    const uint8_t* data[4];
    for (int l = 0; l < 4; ++l) {
      std::memcpy(state[l], TheNodeIv().s, sizeof(state[l]));
      states[l] = state[l];
      data[l] = bytes + 64 * (i + l);
    }
    Compress4(states, data, 1);
    for (int l = 0; l < 4; ++l) out[i + l] = DigestOf(state[l]);
  }
  for (; i < count; ++i) out[i] = Sha256CompressNode(children[2 * i], children[2 * i + 1]);
}

namespace {

// Bytes of prefix || body with SHA-256 padding: whole blocks.
size_t PaddedSize(ByteSpan prefix, ByteSpan body) {
  return (prefix.size() + body.size() + 9 + 63) / 64 * 64;
}

// prefix || body || SHA-256 padding into out[0, PaddedSize(prefix, body)).
void PadMessage(ByteSpan prefix, ByteSpan body, uint8_t* out) {
  uint64_t total = prefix.size() + body.size();
  size_t padded = PaddedSize(prefix, body);
  if (!prefix.empty()) std::memcpy(out, prefix.data(), prefix.size());
  if (!body.empty()) std::memcpy(out + prefix.size(), body.data(), body.size());
  out[total] = 0x80;
  std::memset(out + total + 1, 0, padded - total - 9);
  uint64_t bits = __builtin_bswap64(total * 8);
  std::memcpy(out + padded - 8, &bits, 8);
}

}  // namespace

void Sha256PrefixedQuad(ByteSpan prefix, const ByteSpan* bodies, Digest* out) {
  // Messages of up to kStackBlocks padded blocks (every Merkle leaf of the
  // provers here) are padded on the stack, longer ones in per-thread buffers.
  constexpr size_t kStackBlocks = 6;
  size_t padded = PaddedSize(prefix, bodies[0]);
  alignas(64) uint8_t stack[4][64 * kStackBlocks];
  thread_local std::vector<uint8_t> heap[4];
  uint32_t state[4][8];
  uint32_t* states[4];
  const uint8_t* data[4];
  for (int l = 0; l < 4; ++l) {
    assert(bodies[l].size() == bodies[0].size());
    uint8_t* b = stack[l];
    if (padded > sizeof(stack[l])) {
      heap[l].resize(padded);
      b = heap[l].data();
    }
    PadMessage(prefix, bodies[l], b);
    std::memcpy(state[l], kInit, sizeof(state[l]));
    states[l] = state[l];
    data[l] = b;
  }
  Compress4(states, data, padded / 64);
  for (int l = 0; l < 4; ++l) out[l] = DigestOf(state[l]);
}

Sha256OneBlockSearch::Sha256OneBlockSearch(ByteSpan prefix) : prefix_len_(prefix.size()) {
  assert(prefix.size() + 8 + 9 <= 64);
  std::memset(block_, 0, sizeof(block_));
  if (!prefix.empty()) std::memcpy(block_, prefix.data(), prefix.size());
  block_[prefix.size() + 8] = 0x80;
  uint64_t bits = (prefix.size() + 8) * 8;
  for (int i = 0; i < 8; ++i) block_[63 - i] = static_cast<uint8_t>(bits >> (8 * i));
}

void Sha256OneBlockSearch::Hash(uint64_t nonce, Digest* out) const {
  uint8_t blocks[kLanes][64];
  uint32_t state[kLanes][8];
  uint32_t* states[kLanes];
  const uint8_t* data[kLanes];
  for (size_t l = 0; l < kLanes; ++l) {
    std::memcpy(blocks[l], block_, 64);
    uint64_t n = nonce + l;
    for (int i = 0; i < 8; ++i) blocks[l][prefix_len_ + i] = static_cast<uint8_t>(n >> (8 * i));
    std::memcpy(state[l], kInit, sizeof(state[l]));
    states[l] = state[l];
    data[l] = blocks[l];
  }
  Compress4(states, data, 1);
  for (size_t l = 0; l < kLanes; ++l) out[l] = DigestOf(state[l]);
}

void Sha256NodeIvForTest(uint32_t iv[8]) {
  std::memcpy(iv, TheNodeIv().s, sizeof(uint32_t) * 8);
}

void Sha256CompressPortableForTest(uint32_t state[8], const uint8_t* block) {
  CompressPortable(state, block, 1);
}

Digest Sha256Parts(std::initializer_list<ByteSpan> parts) {
  uint32_t state[8];
  std::memcpy(state, kInit, sizeof(state));
  uint8_t buf[128];
  size_t used = 0;
  uint64_t total = 0;
  for (ByteSpan p : parts) {
    const uint8_t* data = p.data();
    size_t len = p.size();
    if (len == 0) continue;  // an empty part may have a null data pointer
    total += len;
    if (used > 0) {
      size_t take = std::min(len, 64 - used);
      std::memcpy(buf + used, data, take);
      used += take;
      data += take;
      len -= take;
      if (used < 64) continue;
      Compress(state, buf, 1);
      used = 0;
    }
    size_t full = len / 64;
    if (full > 0) Compress(state, data, full);
    data += 64 * full;
    len -= 64 * full;
    std::memcpy(buf, data, len);
    used = len;
  }
  buf[used++] = 0x80;
  size_t padded = used + 8 <= 64 ? 64 : 128;
  std::memset(buf + used, 0, padded - used);
  uint64_t bits = total * 8;
  for (int i = 0; i < 8; ++i) buf[padded - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
  Compress(state, buf, padded / 64);
  return DigestOf(state);
}

}  // namespace vinet::zk::detail

#include "llm/tokenizer/unicode.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace vinet::llm::unicode {
namespace {

#include "llm/tokenizer/unicode_table.inc"

constexpr uint32_t kMaxCodepoint = 0x10FFFF;

struct ByteMaps {
  std::array<uint32_t, 256> to_cp{};
  std::array<int16_t, 324> to_byte{};  // code points < 324 cover the alphabet
  ByteMaps() {
    to_byte.fill(-1);
    auto printable = [](int b) {
      return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      to_cp[b] = printable(b) ? static_cast<uint32_t>(b) : next++;
      to_byte[to_cp[b]] = static_cast<int16_t>(b);
    }
  }
};

const ByteMaps& Maps() {
  static const ByteMaps maps;
  return maps;
}

}  // namespace

CodepointInfo Info(uint32_t cp) {
  if (cp > kMaxCodepoint) return {kOther, false};
  // Last entry whose first code point is <= cp.
  const uint32_t key = (cp << 4) | 0xF;
  const uint32_t* it = std::upper_bound(std::begin(kUnicodeRanges), std::end(kUnicodeRanges), key);
  const uint32_t entry = *(it - 1);
  return {static_cast<Class>(entry & 7), (entry & 8) != 0};
}

const char* TableVersion() {
  return VINET_UNICODE_VERSION;
}

Decoded DecodeOne(std::string_view text, size_t pos) {
  const auto at = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t b0 = at(pos);
  if (b0 < 0x80) return {b0, 1};
  const auto cont = [&](size_t i) { return pos + i < text.size() && (at(pos + i) & 0xC0) == 0x80; };
  if ((b0 & 0x40) == 0) return {kReplacement, 1};
  if ((b0 & 0x20) == 0) {
    if (!cont(1)) return {kReplacement, 1};
    return {(uint32_t(b0 & 0x1F) << 6) | (at(pos + 1) & 0x3F), 2};
  }
  if ((b0 & 0x10) == 0) {
    if (!cont(1) || !cont(2)) return {kReplacement, 1};
    return {
        (uint32_t(b0 & 0x0F) << 12) | (uint32_t(at(pos + 1) & 0x3F) << 6) | (at(pos + 2) & 0x3F),
        3};
  }
  if ((b0 & 0x08) == 0) {
    if (!cont(1) || !cont(2) || !cont(3)) return {kReplacement, 1};
    const uint32_t cp = (uint32_t(b0 & 0x07) << 18) | (uint32_t(at(pos + 1) & 0x3F) << 12) |
                        (uint32_t(at(pos + 2) & 0x3F) << 6) | (at(pos + 3) & 0x3F);
    if (cp > kMaxCodepoint) return {kReplacement, 1};
    return {cp, 4};
  }
  return {kReplacement, 1};
}

void Decode(std::string_view text, std::vector<uint32_t>* cps, std::vector<uint32_t>* offsets) {
  cps->clear();
  offsets->clear();
  cps->reserve(text.size());
  offsets->reserve(text.size() + 1);
  size_t pos = 0;
  while (pos < text.size()) {
    const Decoded d = DecodeOne(text, pos);
    cps->push_back(d.cp);
    offsets->push_back(static_cast<uint32_t>(pos));
    pos += d.len;
  }
  offsets->push_back(static_cast<uint32_t>(text.size()));
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

uint32_t ByteToCodepoint(uint8_t byte) {
  return Maps().to_cp[byte];
}

int CodepointToByte(uint32_t cp) {
  const auto& m = Maps().to_byte;
  return cp < m.size() ? m[cp] : -1;
}

}  // namespace vinet::llm::unicode

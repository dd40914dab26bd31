// PyStrip and UnescapeLiteral (see text.h).
#include "llm/chat/text.h"

#include <cstdint>

namespace vinet::llm::chat_internal {
namespace {

bool IsPySpace(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 || cp == 0xa0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

// Decodes the UTF-8 character starting at s[i]; its length in `len`, or 0
// when the bytes there are not a valid encoding.
uint32_t DecodeAt(std::string_view s, size_t i, size_t& len) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t c = b(i);
  len = 0;
  if (c < 0x80) {
    len = 1;
    return c;
  }
  size_t n = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  uint32_t cp = c & (0xff >> (n + 1));
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  len = n;
  return cp;
}

// Start of the UTF-8 character that ends at s[end - 1], or `end` if the bytes
// before `end` do not end with a valid character.
size_t CharStartBefore(std::string_view s, size_t end) {
  for (size_t n = 1; n <= 4 && n <= end; ++n) {
    size_t len;
    DecodeAt(s, end - n, len);
    if (len == n) return end - n;
  }
  return end;
}

}  // namespace

std::string_view PyStrip(std::string_view s) {
  size_t lo = 0;
  while (lo < s.size()) {
    size_t len;
    uint32_t cp = DecodeAt(s, lo, len);
    if (len == 0 || !IsPySpace(cp)) break;
    lo += len;
  }
  size_t hi = s.size();
  while (hi > lo) {
    size_t start = CharStartBefore(s, hi);
    if (start == hi || start < lo) break;
    size_t len;
    uint32_t cp = DecodeAt(s, start, len);
    if (!IsPySpace(cp)) break;
    hi = start;
  }
  return s.substr(lo, hi - lo);
}

std::string UnescapeLiteral(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char n = s[i + 1];
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
        out += '\\';
        break;
      case '\'':
        out += '\'';
        break;
      case '"':
        out += '"';
        break;
      default:
        out += '\\';
        out += n;
        break;
    }
    ++i;
  }
  return out;
}

}  // namespace vinet::llm::chat_internal

// ValidUtf8: text for JSON and SSE. Each maximal ill-formed subsequence
// becomes U+FFFD (the Unicode "substitution of maximal subparts" practice).
#include "vinet/chat/llm_chat_runner.h"

namespace vinet::chat {
namespace {

// Length of the well-formed sequence at s[i], or 0; `*subpart` gets the
// length of the maximal ill-formed prefix to replace when it is 0 (>= 1).
size_t SequenceAt(std::string_view s, size_t i, size_t* subpart) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  *subpart = 1;
  if (b < 0x80) return 1;
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range
  if (b >= 0xC2 && b <= 0xDF) {
    need = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    need = 3;
    if (b == 0xE0) lo = 0xA0;  // no overlongs
    if (b == 0xED) hi = 0x9F;  // no surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;  // at most U+10FFFF
  } else {
    return 0;
  }
  for (size_t k = 1; k < need; ++k) {
    if (i + k >= s.size()) return 0;
    const unsigned char c = byte(i + k);
    const bool ok = k == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
    if (!ok) return 0;
    *subpart = k + 1;
  }
  return need;
}

}  // namespace

std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t subpart = 1;
    size_t n = SequenceAt(s, i, &subpart);
    if (n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      i += subpart;
    }
  }
  return out;
}

}  // namespace vinet::chat

// Unicode facts the pre-tokenizers need: code point classes (general category
// and White_Space, from a generated range table, unicode_table.inc) and a
// lenient UTF-8 decoder that behaves like the reference tokenizers'.
//
// Decoding never fails: a byte that does not start a well-formed sequence
// (bad lead, missing continuation, truncated at the end, or a value above
// U+10FFFF) becomes U+FFFD and consumes one byte. Overlong forms and
// surrogates are decoded to their value, as the reference does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vinet::llm::unicode {

// Class of a code point (general category's first letter).
enum Class : uint8_t {
  kNumber = 1,
  kLetter = 2,
  kSeparator = 3,
  kMark = 4,
  kPunctuation = 5,
  kSymbol = 6,
  kOther = 7,  // C*: control, format, private use, surrogate, unassigned
};

struct CodepointInfo {
  Class cls = kOther;
  bool whitespace = false;
  bool is_letter() const { return cls == kLetter; }
  bool is_number() const { return cls == kNumber; }
};

// Code points past U+10FFFF are kOther, not whitespace.
CodepointInfo Info(uint32_t cp);

// The Unicode version of the table, e.g. "14.0.0".
const char* TableVersion();

inline constexpr uint32_t kReplacement = 0xFFFD;

// Code point and its length in bytes (>= 1) at text[pos]; pos < text.size().
struct Decoded {
  uint32_t cp;
  uint32_t len;
};
Decoded DecodeOne(std::string_view text, size_t pos);

// All code points of `text`, with the byte offset where each starts
// (offsets has size cps.size() + 1; the last entry is text.size()).
void Decode(std::string_view text, std::vector<uint32_t>* cps, std::vector<uint32_t>* offsets);

// Appends the UTF-8 encoding of cp (cp <= 0x10FFFF).
void AppendUtf8(uint32_t cp, std::string* out);

// Length of the sequence a lead byte announces (1 for continuation and ASCII
// bytes, 2, 3 or 4), from its high four bits.
inline size_t LeadLength(uint8_t byte) {
  static constexpr uint8_t kLen[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return kLen[byte >> 4];
}

// GPT-2 byte-level alphabet: each byte maps to one printable code point
// (printable Latin-1 bytes map to themselves, the rest to U+0100 upwards).
uint32_t ByteToCodepoint(uint8_t byte);
// The byte a code point of that alphabet stands for, or -1.
int CodepointToByte(uint32_t cp);

}  // namespace vinet::llm::unicode

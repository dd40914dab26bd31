// Fuzz target: protocol::DecodeChatReceipt on arbitrary bytes (claims on
// chain, receipts from nodes). Accepted input is canonical (re-encodes to the
// same bytes), validates, and its JSON form round-trips; signature checks
// return any answer without crashing.
#include <cstdint>
#include <cstdlib>

#include "vinet/protocol/chat_receipt.h"

using namespace vinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteSpan in(data, size);
  (void)protocol::LooksLikeChatReceipt(in);
  auto r = protocol::DecodeChatReceipt(in);
  if (!r.ok()) {
    if (r.status().message().empty()) std::abort();
    return 0;
  }
  if (protocol::EncodeChatReceipt(*r) != Bytes(data, data + size)) std::abort();
  if (!protocol::ValidateChatReceipt(*r).ok()) std::abort();
  auto j = protocol::ChatReceiptFromJson(protocol::ChatReceiptToJson(*r));
  if (!j.ok() || !(*j == *r)) std::abort();
  (void)protocol::VerifyChatEnclaveSignature(*r);
  (void)protocol::VerifyChatNodeSignature(*r);
  return 0;
}

// The Status of an enclave's refusal ({"ok": false, "code", "error"} on the
// socket). A refusal caused by the request (a bad tensor, an unknown model or
// parameter, a client signature that does not verify) keeps the enclave's
// code, so the node answers it as the 4xx it is with the enclave's own
// message; any other refusal is kUnavailable (the enclave could not serve: the
// node answers 503 and its connection pool retries once on a fresh connection).
#pragma once

#include <string>

#include "vinet/common/result.h"

namespace vinet::tee {

inline Status EnclaveRefusal(const std::string& code_name, const std::string& error) {
  for (Code c : {Code::kInvalidArgument, Code::kParse, Code::kOutOfRange, Code::kNotFound,
                 Code::kUnsupported, Code::kUnauthenticated}) {
    if (CodeName(c) == code_name) return Error(c, "enclave: " + error);
  }
  return Error(Code::kUnavailable, "enclave: " + code_name + ": " + error);
}

}  // namespace vinet::tee

// What every signed request this node serves must satisfy before anything
// runs, tensor inference and chat alike (docs/network.md): the client's
// signature (kUnauthenticated), then this chain (kInvalidArgument), this node
// as the one asked (kInvalidArgument: only it may claim the request), and a
// validity window that leaves time to settle (protocol::CheckValidity at
// `not_before_ms`, lifetime at most `max_ttl_ms`).
#pragma once

#include <cstdint>
#include <string>

#include "vinet/common/result.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/protocol/request.h"

namespace vinet::node {

struct RequestBinding {
  crypto::PublicKey node_key{};
  std::string chain_id;
  int64_t not_before_ms = 0;  // now + the node's minimum validity
  int64_t max_ttl_ms = 0;
};

Status CheckRequestBinding(const protocol::SignedRequest& signed_request,
                           const RequestBinding& binding);
// The same checks but the signature's, for a caller that has the signature
// verified elsewhere (a TEE inference: by the enclave, node.h).
Status CheckRequestBindingFields(const protocol::SignedRequest& signed_request,
                                 const RequestBinding& binding);

}  // namespace vinet::node

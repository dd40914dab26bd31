#include "vinet/node/request_binding.h"

namespace vinet::node {

Status CheckRequestBinding(const protocol::SignedRequest& signed_request,
                           const RequestBinding& binding) {
  VINET_RETURN_IF_ERROR(protocol::VerifyRequest(signed_request));
  return CheckRequestBindingFields(signed_request, binding);
}

Status CheckRequestBindingFields(const protocol::SignedRequest& signed_request,
                                 const RequestBinding& binding) {
  const protocol::InferenceRequest& r = signed_request.request;
  if (r.chain_id != binding.chain_id) {
    return Error(Code::kInvalidArgument,
                 "request.chain_id \"" + r.chain_id + "\" is not \"" + binding.chain_id + "\"");
  }
  if (r.node_pubkey != binding.node_key) {
    return Error(Code::kInvalidArgument, "request.node_pubkey: addressed to node " +
                                             ToHex(r.node_pubkey) + ", this node is " +
                                             ToHex(binding.node_key));
  }
  return protocol::CheckValidity(r, binding.not_before_ms, binding.max_ttl_ms);
}

}  // namespace vinet::node

// The binary form of the enclave's "infer" exchange (enclave_server.h), the
// node's hot path: no JSON or hex on either side.
//
//   request frame: kInferFrameTag ‖ protobuf vinet.enclave.v1.InferRequest
//                  (inputs as protocol::EncodeTensors, the signed request as
//                  protocol::EncodeSignedRequest, absent when empty)
//   success reply: kInferFrameTag ‖ protocol::EncodeReceipt(receipt)
//   failure reply: the JSON error object every method answers with
//                  ({"ok":false,"code":...,"error":...}), so a refusal reads
//                  the same on both paths.
// A JSON frame starts with '{', never with the tag, so one connection carries
// both. Decoders are strict (kParse naming the field) and linear in the
// frame's size; sizes and tensors are then checked by Enclave::Infer as for
// a JSON request.
#pragma once

#include <string>
#include <string_view>

#include "vinet/common/result.h"
#include "vinet/protocol/receipt.h"
#include "vinet/tee/enclave.h"

namespace vinet::tee {

inline constexpr char kInferFrameTag = '\x02';

inline bool IsBinaryInferFrame(std::string_view frame) {
  return !frame.empty() && frame.front() == kInferFrameTag;
}

std::string EncodeInferFrame(const InferRequest& request);
Result<InferRequest> DecodeInferFrame(std::string_view frame);

std::string EncodeInferReply(const protocol::Receipt& receipt);
Result<protocol::Receipt> DecodeInferReply(std::string_view frame);

}  // namespace vinet::tee

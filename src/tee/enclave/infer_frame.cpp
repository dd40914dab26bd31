#include "vinet/tee/infer_frame.h"

#include "vinet/enclave/v1/infer.pb.h"
#include "vinet/protocol/request.h"
#include "vinet/protocol/tensor.h"
#include "vinet/protocol/unknown_fields.h"

namespace vinet::tee {
namespace {

Status FrameError(std::string_view what) {
  return Error(Code::kParse, "infer frame: " + std::string(what));
}

std::string_view Body(std::string_view frame) {
  return frame.substr(1);
}

}  // namespace

std::string EncodeInferFrame(const InferRequest& request) {
  enclave::v1::InferRequest msg;
  msg.set_inference_id(request.inference_id.data(), request.inference_id.size());
  msg.set_node_id(request.node_id.data(), request.node_id.size());
  msg.set_model_id(request.model_id);
  Bytes inputs = protocol::EncodeTensors(request.inputs);
  msg.set_inputs(inputs.data(), inputs.size());
  if (request.signed_request) {
    Bytes sr = protocol::EncodeSignedRequest(*request.signed_request);
    msg.set_signed_request(sr.data(), sr.size());
  }
  std::string out(1, kInferFrameTag);
  msg.AppendToString(&out);
  return out;
}

Result<InferRequest> DecodeInferFrame(std::string_view frame) {
  if (!IsBinaryInferFrame(frame)) return FrameError("missing the binary infer tag");
  std::string_view body = Body(frame);
  enclave::v1::InferRequest msg;
  if (!msg.ParseFromArray(body.data(), static_cast<int>(body.size())))
    return FrameError("not a vinet.enclave.v1.InferRequest");
  if (int field = protocol::FirstUnknownField(msg); field != 0)
    return FrameError("unknown field " + std::to_string(field));
  InferRequest out;
  out.inference_id = ToBytes(msg.inference_id());
  out.node_id = ToBytes(msg.node_id());
  out.model_id = msg.model_id();
  auto inputs = protocol::DecodeTensors(AsBytes(msg.inputs()));
  if (!inputs.ok()) return inputs.status().WithContext("infer frame: inputs");
  out.inputs = std::move(*inputs);
  if (!msg.signed_request().empty()) {
    auto sr = protocol::DecodeSignedRequest(AsBytes(msg.signed_request()));
    if (!sr.ok()) return sr.status().WithContext("infer frame: signed_request");
    out.signed_request = std::move(*sr);
  }
  return out;
}

std::string EncodeInferReply(const protocol::Receipt& receipt) {
  Bytes encoded = protocol::EncodeReceipt(receipt);
  std::string out;
  out.reserve(encoded.size() + 1);
  out.push_back(kInferFrameTag);
  out.append(reinterpret_cast<const char*>(encoded.data()), encoded.size());
  return out;
}

Result<protocol::Receipt> DecodeInferReply(std::string_view frame) {
  if (!IsBinaryInferFrame(frame)) return FrameError("reply: missing the binary infer tag");
  std::string_view body = Body(frame);
  auto r = protocol::DecodeReceipt(AsBytes(body));
  if (!r.ok()) return r.status().WithContext("infer frame: reply receipt");
  return r;
}

}  // namespace vinet::tee

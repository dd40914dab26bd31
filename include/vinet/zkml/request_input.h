// The input of a ZKML inference as the protocol carries it (named tensors of
// a request) turned into the runtime tensor the circuits quantize: shared by
// the node, which proves it, and the client, which verifies the proof against
// the inputs it signed.
#pragma once

#include <vector>

#include "vinet/common/result.h"
#include "vinet/protocol/tensor.h"
#include "vinet/runtime/tensor.h"
#include "vinet/zkml/spec.h"

namespace vinet::zkml {

// The one f32 input of a ZKML request as the runtime's tensor; kInvalidArgument
// naming the problem otherwise (not exactly one tensor, not f32, a shape other
// than the spec's input shape).
Result<runtime::Tensor> RequestInput(const ModelSpec& spec,
                                     const std::vector<protocol::NamedTensor>& inputs);

}  // namespace vinet::zkml

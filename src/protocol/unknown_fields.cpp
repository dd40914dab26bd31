#include "vinet/protocol/unknown_fields.h"

#include <google/protobuf/message.h>
#include <google/protobuf/unknown_field_set.h>

namespace vinet::protocol {

int FirstUnknownField(const google::protobuf::Message& msg) {
  const auto& unknown = msg.GetReflection()->GetUnknownFields(msg);
  return unknown.empty() ? 0 : unknown.field(0).number();
}

}  // namespace vinet::protocol

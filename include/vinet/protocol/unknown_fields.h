// Strict protobuf decoding: a proto3 parser keeps the fields it does not know
// instead of failing, and vinet's decoders refuse them (ignored silently, they
// would still change the bytes that are hashed and signed).
#pragma once

namespace google::protobuf {
class Message;
}

namespace vinet::protocol {

// The number of the first unknown field of `msg` itself (not of its
// sub-messages), or 0 when there is none.
int FirstUnknownField(const google::protobuf::Message& msg);

}  // namespace vinet::protocol

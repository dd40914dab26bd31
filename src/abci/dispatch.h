// Routes one decoded Request to the Application and wraps the answer.
//
// Echo and Flush are answered here, without the Application. Every other
// method calls the matching Application method. Exceptions thrown by the
// Application propagate to the caller (the connection loop turns them into
// ResponseException). The Request must have its oneof set (ParseRequest
// guarantees it).
#pragma once

#include "vinet/abci/application.h"

namespace vinet::abci {

pb::Response Dispatch(Application& app, const pb::Request& request);

// "check_tx", "finalize_block", ...: the oneof field name, for logs.
const char* RequestName(const pb::Request& request);

}  // namespace vinet::abci

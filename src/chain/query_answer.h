// Private: building abci_query answers (JSON value on success, a QueryCode
// and log on failure), shared by every query path.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tendermint/abci/types.pb.h"
#include "vinet/chain/result_codes.h"

namespace vinet::chain {

inline ::tendermint::abci::ResponseQuery QueryFail(QueryCode code, std::string log) {
  ::tendermint::abci::ResponseQuery r;
  r.set_code(static_cast<uint32_t>(code));
  r.set_log(std::move(log));
  return r;
}

inline ::tendermint::abci::ResponseQuery QueryAnswer(const nlohmann::json& value) {
  ::tendermint::abci::ResponseQuery r;
  r.set_value(value.dump());
  return r;
}

}  // namespace vinet::chain

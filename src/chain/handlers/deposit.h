// Client deposits per node (issue 12, finding 10): the fee of a claim is
// drawn from the client's deposit for the claiming node first, then from the
// client's balance. Only that node's claims draw the deposit, and the client
// gets it back only `escrow_unlock_delay_ms` (> max_request_ttl_ms) after
// ReleaseDeposit, so a node that checked deposit − its own unsettled fees ≥
// fee before serving (and, while a release is pending, that the request
// expires before the unlock) is paid at settlement whatever the client does
// elsewhere.
#pragma once

#include <cstdint>
#include <string_view>

#include "vinet/chain/state.h"

namespace vinet::chain {

// What the client can pay `node`: its deposit for it plus its balance.
Result<uint64_t> ClientFunds(const State& state, std::string_view client, std::string_view node);
// Debits `fee` from the deposit for `node` (as far as it goes), the rest from
// the balance. Precondition: ClientFunds ≥ fee.
Status DrawFee(State& state, std::string_view client, std::string_view node, uint64_t fee);

}  // namespace vinet::chain

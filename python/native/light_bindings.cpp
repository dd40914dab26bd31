// vinet._native.light: the CometBFT light client and proven claim reads for
// the Python SDK (sync and async clients share this one implementation).
//
//   LightClient(primary, witnesses=[], genesis_file="", genesis_json="",
//               checkpoint_height=0, checkpoint_hash="", chain_id="",
//               trusting_period_s=1209600)
//       root of trust: checkpoint, else genesis_json / genesis_file, else the
//       primary's /genesis (all witnesses must serve the same).
//     .verify_height(h) -> {"height", "hash", "app_hash", "time", "chain_id"}
//         (h = 0: the primary's latest), verified and cross-checked.
//     .verify_claim(inference_id, height, wait_ms) -> {"present", "status",
//         "fee", "height", "settled_height", "proven_height", "app_hash",
//         "header_hash"}: /claim/<id> at `height` (0 = latest) with a Merkle
//         proof against the app hash of verified header height+1; with
//         signers=[RPC URLs] (and cert_wait_ms=1500), against an app-hash
//         certificate of height's validator set when > 2/3 of it signed
//         (vinet/light/app_cert.h), else header height+1; adds "certified",
//         "signed_power", "total_power", "fallback" (why not certified).
//     .stats() -> {"blocks_fetched", "verifications", "bisections", "witness_checks"}
// Failures raise vinet._native.light.LightError (a ValueError) whose text is
// "<code>: <message>" (codes of docs/errors.md: verification, not_found,
// timeout, unavailable, ...). Calls release the GIL; one lock per client
// serialises them, so a LightClient may be shared by threads.
#include <pybind11/stl.h>

#include <mutex>

#include "bindings.h"
#include "vinet/light/connect.h"
#include "vinet/light/hashing.h"
#include "vinet/light/time.h"
#include "vinet/light/verified_state.h"

namespace vinet::py {
namespace {

namespace pyb = pybind11;
using namespace pybind11::literals;

PyObject* g_light_error = nullptr;

[[noreturn]] void Raise(const Status& s) {
  PyErr_SetString(g_light_error, s.ToString().c_str());
  throw pyb::error_already_set();
}

class PyLightClient {
 public:
  explicit PyLightClient(light::ChainTrust trust) {
    Result<std::unique_ptr<light::LightClient>> lc = Error(Code::kInternal, "unset");
    {
      pyb::gil_scoped_release release;
      lc = light::ConnectLightClient(trust);
    }
    if (!lc.ok()) Raise(lc.status());
    lc_ = std::move(lc).value();
  }

  pyb::dict VerifyHeight(int64_t height) {
    Result<light::LightBlock> b = Error(Code::kInternal, "unset");
    {
      pyb::gil_scoped_release release;
      std::lock_guard lock(mu_);
      b = lc_->VerifyHeight(height);
    }
    if (!b.ok()) Raise(b.status());
    const auto& h = b->signed_header.header;
    return pyb::dict("height"_a = h.height, "hash"_a = ToHex(light::HeaderHash(h)),
                     "app_hash"_a = ToHex(h.app_hash), "time"_a = light::FormatTime(h.time),
                     "chain_id"_a = h.chain_id);
  }

  pyb::dict VerifyClaim(const std::string& id, int64_t height, int64_t wait_ms,
                        const std::vector<std::string>& signers, int64_t cert_wait_ms) {
    Result<light::VerifiedClaim> v = Error(Code::kInternal, "unset");
    {
      pyb::gil_scoped_release release;
      std::lock_guard lock(mu_);
      v = signers.empty() ? light::VerifyClaim(*lc_, lc_primary(), id, height, wait_ms)
                          : light::VerifyClaimCertified(*lc_, lc_primary(), signers, id, height,
                                                        wait_ms, cert_wait_ms);
    }
    if (!v.ok()) Raise(v.status());
    pyb::dict out("present"_a = v->claim.has_value(), "proven_height"_a = v->height,
                  "app_hash"_a = ToHex(v->app_hash), "header_hash"_a = ToHex(v->header_hash),
                  "certified"_a = v->certified, "signed_power"_a = v->signed_power,
                  "total_power"_a = v->total_power, "fallback"_a = v->fallback);
    if (v->claim) {
      out["status"] = v->claim->status;
      out["fee"] = v->claim->fee;
      out["height"] = v->claim->height;
      out["settled_height"] = v->claim->settled_height;
    }
    return out;
  }

  pyb::dict Stats() {
    std::lock_guard lock(mu_);
    const auto& s = lc_->stats();
    return pyb::dict("blocks_fetched"_a = s.blocks_fetched, "verifications"_a = s.verifications,
                     "bisections"_a = s.bisections, "witness_checks"_a = s.witness_checks);
  }

  std::string primary;

 private:
  const std::string& lc_primary() const { return primary; }
  std::mutex mu_;
  std::unique_ptr<light::LightClient> lc_;
};

}  // namespace

void BindLight(pyb::module_& m) {
  auto sub = m.def_submodule("light", "CometBFT light client and proven chain reads");
  g_light_error = PyErr_NewException("vinet._native.light.LightError", PyExc_ValueError, nullptr);
  sub.attr("LightError") = pyb::handle(g_light_error);
  pyb::class_<PyLightClient>(sub, "LightClient")
      .def(pyb::init([](const std::string& primary, const std::vector<std::string>& witnesses,
                        const std::string& genesis_file, const std::string& genesis_json,
                        int64_t checkpoint_height, const std::string& checkpoint_hash,
                        const std::string& chain_id, int64_t trusting_period_s) {
             light::ChainTrust t;
             t.primary = primary;
             t.witnesses = witnesses;
             t.genesis_file = genesis_file;
             if (!genesis_json.empty()) {
               t.genesis = nlohmann::json::parse(genesis_json, nullptr, false);
               if (t.genesis.is_discarded()) Raise(Error(Code::kParse, "genesis_json: not JSON"));
             }
             t.checkpoint_height = checkpoint_height;
             t.checkpoint_hash = checkpoint_hash;
             t.chain_id = chain_id;
             t.trusting_period_s = trusting_period_s;
             auto* c = new PyLightClient(t);
             c->primary = primary;
             return c;
           }),
           "primary"_a, "witnesses"_a = std::vector<std::string>{}, "genesis_file"_a = "",
           "genesis_json"_a = "", "checkpoint_height"_a = 0, "checkpoint_hash"_a = "",
           "chain_id"_a = "", "trusting_period_s"_a = int64_t{14} * 24 * 3600)
      .def("verify_height", &PyLightClient::VerifyHeight, "height"_a = 0)
      .def("verify_claim", &PyLightClient::VerifyClaim, "inference_id"_a, "height"_a = 0,
           "wait_ms"_a = 5000, "signers"_a = std::vector<std::string>{}, "cert_wait_ms"_a = 1500)
      .def("stats", &PyLightClient::Stats);
}

}  // namespace vinet::py

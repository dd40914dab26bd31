#include "vinet/tee/emulator.h"

#include <chrono>

#include "vinet/cbor/cbor.h"
#include "vinet/tee/cose.h"

namespace vinet::tee {
namespace {

constexpr uint32_t kPcrCount = 16;
constexpr int64_t kLeafBackdateS = 60;

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

void WriteOptional(cbor::Writer& w, std::string_view key, const std::optional<Bytes>& v) {
  w.Text(key);
  if (v) {
    w.Bstr(*v);
  } else {
    w.Null();
  }
}

}  // namespace

Status CheckAttestationRequest(const AttestationRequest& request) {
  auto check = [](const std::optional<Bytes>& v, const char* name) {
    if (v && v->size() > 1024) {
      return Error(Code::kInvalidArgument, std::string(name) + ": more than 1024 bytes");
    }
    return Status::Ok();
  };
  VINET_RETURN_IF_ERROR(check(request.nonce, "nonce"));
  VINET_RETURN_IF_ERROR(check(request.user_data, "user_data"));
  return check(request.public_key, "public_key");
}

crypto::Digest384 EmulatorKernelMeasurement() {
  return crypto::Sha384(AsBytes("vinet enclave emulator kernel v1"));
}

EmulatorProvider::EmulatorProvider(DevCa ca, const crypto::Digest384& image,
                                   const crypto::Digest384& config, EmulatorOptions options)
    : ca_(std::move(ca)), options_(std::move(options)) {
  for (uint32_t i = 0; i < kPcrCount; ++i) pcrs_[i] = Bytes(48, 0);
  if (!options_.debug) {
    pcrs_[0] = Bytes(image.begin(), image.end());
    auto kernel = EmulatorKernelMeasurement();
    pcrs_[1] = Bytes(kernel.begin(), kernel.end());
    pcrs_[2] = Bytes(config.begin(), config.end());
  }
}

Result<Bytes> EmulatorProvider::Attest(const AttestationRequest& request) {
  return AttestAt(request, NowMs());
}

Result<Bytes> EmulatorProvider::AttestAt(const AttestationRequest& request, uint64_t timestamp_ms) {
  VINET_RETURN_IF_ERROR(CheckAttestationRequest(request));
  std::lock_guard<std::mutex> lock(mu_);
  int64_t ts_s = static_cast<int64_t>(timestamp_ms / 1000);
  // Keep a leaf while it has at least two of its three hours left. Like AWS's,
  // a new leaf starts a little before the document (here 60 s), so a verifier
  // whose clock is slightly behind still sees a valid chain.
  if (!leaf_ || ts_s < leaf_->not_before_s() || ts_s > leaf_->not_before_s() + 3600) {
    VINET_ASSIGN_OR_RETURN(SigningLeaf leaf, ca_.IssueLeaf(ts_s - kLeafBackdateS));
    leaf_.emplace(std::move(leaf));
  }
  Bytes payload = EncodePayload(request, timestamp_ms, leaf_->certificate_der());
  Bytes protected_header = Es384ProtectedHeader();
  VINET_ASSIGN_OR_RETURN(Bytes signature,
                         leaf_->SignEs384(Sig1Structure(protected_header, payload)));
  return EncodeCoseSign1(protected_header, payload, signature);
}

Bytes EmulatorProvider::EncodePayload(const AttestationRequest& request, uint64_t timestamp_ms,
                                      const Bytes& leaf_der) const {
  cbor::Writer w;
  if (options_.indefinite_map) {
    w.IndefiniteMap();
  } else {
    w.Map(9);
  }
  w.Text("module_id").Text(options_.module_id);
  w.Text("digest").Text("SHA384");
  w.Text("timestamp").Uint(timestamp_ms);
  w.Text("pcrs").Map(pcrs_.size());
  for (const auto& [index, value] : pcrs_) w.Uint(index).Bstr(value);
  w.Text("certificate").Bstr(leaf_der);
  w.Text("cabundle").Array(2).Bstr(ca_.root().der()).Bstr(ca_.intermediate_der());
  WriteOptional(w, "public_key", request.public_key);
  WriteOptional(w, "user_data", request.user_data);
  WriteOptional(w, "nonce", request.nonce);
  if (options_.indefinite_map) w.Break();
  return std::move(w).bytes();
}

}  // namespace vinet::tee

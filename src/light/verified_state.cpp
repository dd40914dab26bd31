#include "vinet/light/verified_state.h"

#include <chrono>
#include <thread>

#include "vinet/light/hashing.h"
#include "vinet/light/json_decode.h"
#include "vinet/light/provider.h"
#include "vinet/light/time.h"

namespace vinet::light {
namespace {

using nlohmann::json;

constexpr size_t kMaxQueryAnswerBytes = 1 << 20;

std::string UrlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Result<Bytes> B64Field(const json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Bytes{};
  if (!it->is_string()) return Error(Code::kParse, path + "." + key + ": expected base64");
  return DecodeBase64(it->get<std::string>(), path + "." + key);
}

std::string StatusName(uint64_t v) {
  static const char* kNames[] = {"UNSPECIFIED", "SETTLED",         "REJECTED",
                                 "PENDING",     "DUPLICATE",       "UNFUNDED",
                                 "INVALID",     "OVER_RISK_LIMIT", "EXPIRED"};
  if (v < std::size(kNames)) return kNames[v];
  return "STATUS_" + std::to_string(v);
}

}  // namespace

Result<ProvedAnswer> DecodeProvedAnswer(const json& result) {
  if (!result.is_object() || !result.contains("response") || !result["response"].is_object()) {
    return Error(Code::kParse, "abci_query: result.response missing");
  }
  const json& r = result["response"];
  ProvedAnswer out;
  if (auto c = r.find("code"); c != r.end()) {
    if (!c->is_number_unsigned() && !c->is_number_integer()) {
      return Error(Code::kParse, "abci_query: response.code is not a number");
    }
    out.code = c->get<uint32_t>();
  }
  if (auto l = r.find("log"); l != r.end() && l->is_string())
    out.log = l->get<std::string>().substr(0, 500);
  auto h = r.find("height");
  if (h == r.end() || !h->is_string())
    return Error(Code::kParse, "abci_query: response.height missing");
  try {
    size_t used = 0;
    out.height = std::stoll(h->get<std::string>(), &used);
    if (used != h->get<std::string>().size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    return Error(Code::kParse, "abci_query: response.height is not an integer");
  }
  VINET_ASSIGN_OR_RETURN(out.key, B64Field(r, "key", "abci_query.response"));
  VINET_ASSIGN_OR_RETURN(out.value, B64Field(r, "value", "abci_query.response"));
  auto po = r.find("proofOps");
  if (po == r.end()) po = r.find("proof_ops");
  if (po == r.end() || po->is_null()) return out;  // no proof: the verifier refuses
  if (!po->is_object() || !po->contains("ops") || !(*po)["ops"].is_array()) {
    return Error(Code::kParse, "abci_query: response.proof_ops.ops is not an array");
  }
  const json& ops = (*po)["ops"];
  if (ops.size() > 16) return Error(Code::kParse, "abci_query: more than 16 proof ops");
  for (size_t i = 0; i < ops.size(); ++i) {
    std::string p = "abci_query.response.proof_ops.ops[" + std::to_string(i) + "]";
    if (!ops[i].is_object()) return Error(Code::kParse, p + ": expected an object");
    merkle::ProofOp op;
    if (!ops[i].contains("type") || !ops[i]["type"].is_string()) {
      return Error(Code::kParse, p + ".type: missing");
    }
    op.type = ops[i]["type"].get<std::string>().substr(0, 64);
    VINET_ASSIGN_OR_RETURN(op.key, B64Field(ops[i], "key", p));
    VINET_ASSIGN_OR_RETURN(op.data, B64Field(ops[i], "data", p));
    if (op.data.size() > merkle::kMaxProofBytes) {
      return Error(Code::kParse,
                   p + ".data: longer than " + std::to_string(merkle::kMaxProofBytes));
    }
    out.ops.push_back(std::move(op));
  }
  return out;
}

Result<ProvedAnswer> QueryWithProof(const std::string& rpc_url, const std::string& path,
                                    int64_t height, int timeout_ms) {
  std::string url = rpc_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  std::string q = "/abci_query?path=" + UrlEncode("\"" + path + "\"") +
                  "&height=" + std::to_string(height) + "&prove=true";
  VINET_ASSIGN_OR_RETURN(auto result, RpcGet(url, q, timeout_ms, kMaxQueryAnswerBytes));
  auto a = DecodeProvedAnswer(result);
  if (!a.ok()) return a.status().WithContext(url);
  return a;
}

Result<ClaimRecord> DecodeClaimRecord(ByteSpan b) {
  ClaimRecord out;
  size_t i = 0;
  auto varint = [&](uint64_t& v) -> Status {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (i >= b.size())
        return Error(Code::kParse, "claim record: truncated varint at offset " + std::to_string(i));
      uint8_t byte = b[i++];
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return {};
    }
    return Error(Code::kParse, "claim record: varint too long at offset " + std::to_string(i));
  };
  while (i < b.size()) {
    size_t at = i;
    uint64_t tag;
    VINET_RETURN_IF_ERROR(varint(tag));
    uint32_t field = static_cast<uint32_t>(tag >> 3), wire = tag & 7;
    if (field == 0)
      return Error(Code::kParse, "claim record: field 0 at offset " + std::to_string(at));
    if (wire == 0) {
      uint64_t v;
      VINET_RETURN_IF_ERROR(varint(v));
      if (field == 2) out.status = StatusName(v);
      if (field == 7) out.fee = v;
      if (field == 8) out.height = static_cast<int64_t>(v);
      if (field == 14) out.settled_height = static_cast<int64_t>(v);
    } else if (wire == 2) {
      uint64_t len;
      VINET_RETURN_IF_ERROR(varint(len));
      if (len > b.size() - i) {
        return Error(Code::kParse, "claim record: field " + std::to_string(field) + " at offset " +
                                       std::to_string(at) + " runs past the end");
      }
      if (field == 1) out.inference_id.assign(b.begin() + i, b.begin() + i + len);
      i += len;
    } else if (wire == 1 || wire == 5) {
      size_t n = wire == 1 ? 8 : 4;
      if (n > b.size() - i)
        return Error(Code::kParse,
                     "claim record: truncated fixed field at offset " + std::to_string(at));
      i += n;
    } else {
      return Error(Code::kParse, "claim record: wire type " + std::to_string(wire) + " at offset " +
                                     std::to_string(at));
    }
  }
  if (out.status.empty()) out.status = StatusName(0);
  return out;
}

static Status CheckAnswerShape(const std::string& id, const ProvedAnswer& a) {
  const std::string what = "inference " + id + ": claim at height " + std::to_string(a.height);
  const std::string key = "c/" + id;
  if (a.height <= 0) return Error(Code::kVerification, what + ": the answer names no height");
  if (a.ops.empty()) {
    return Error(Code::kVerification, what + ": the chain RPC answered without a proof (code " +
                                          std::to_string(a.code) + ": " + a.log + ")");
  }
  if (!a.key.empty() && ToString(a.key) != key) {
    return Error(Code::kVerification, what + ": the answer is for state key \"" +
                                          ToString(a.key).substr(0, 80) + "\", not \"" + key +
                                          "\"");
  }
  if (a.code == 0 && a.value.empty()) {
    return Error(Code::kVerification, what + ": code 0 but no value");
  }
  return {};
}

Result<VerifiedClaim> CheckClaimProof(const std::string& id, const ProvedAnswer& a,
                                      ByteSpan app_hash, ByteSpan header_hash,
                                      const std::string& source) {
  VINET_RETURN_IF_ERROR(CheckAnswerShape(id, a));
  const std::string what = "inference " + id + ": claim at height " + std::to_string(a.height);
  const std::string key = "c/" + id;
  const bool present = a.code == 0;
  std::optional<ByteSpan> value;
  if (present) value = ByteSpan(a.value);
  Status proof = merkle::VerifyProofOps(app_hash, AsBytes(key), value, a.ops);
  if (!proof.ok()) {
    return Error(Code::kVerification, what + ": proof does not verify against the app hash " +
                                          ToHex(app_hash) + " of " + source + ": " +
                                          proof.message());
  }
  VerifiedClaim out;
  out.height = a.height;
  out.app_hash.assign(app_hash.begin(), app_hash.end());
  out.header_hash.assign(header_hash.begin(), header_hash.end());
  if (present) {
    auto rec = DecodeClaimRecord(a.value);
    if (!rec.ok()) return rec.status().WithContext(what);
    out.claim = std::move(rec).value();
  }
  return out;
}

Result<VerifiedClaim> VerifyClaimAnswer(LightClient& light, const std::string& id,
                                        const ProvedAnswer& a, int64_t wait_ms) {
  VINET_RETURN_IF_ERROR(CheckAnswerShape(id, a));
  const std::string what = "inference " + id + ": claim at height " + std::to_string(a.height);
  // Header H+1 carries the app hash of the state after block H.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  Result<LightBlock> header = Error(Code::kUnavailable, "not asked");
  while (true) {
    header = light.VerifyHeight(a.height + 1);
    bool later = !header.ok() && header.status().code() == Code::kNotFound;
    if (!later || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!header.ok()) {
    return header.status().WithContext(what + ": header " + std::to_string(a.height + 1));
  }
  auto hh = HeaderHash(header->signed_header.header);
  return CheckClaimProof(id, a, header->signed_header.header.app_hash, hh,
                         "verified header " + std::to_string(a.height + 1));
}

Result<VerifiedClaim> VerifyClaim(LightClient& light, const std::string& rpc_url,
                                  const std::string& inference_id, int64_t height,
                                  int64_t wait_ms) {
  VINET_ASSIGN_OR_RETURN(auto answer, QueryWithProof(rpc_url, "/claim/" + inference_id, height));
  return VerifyClaimAnswer(light, inference_id, answer, wait_ms);
}

}  // namespace vinet::light

#include "vinet/node/claim_codec.h"

#include <nlohmann/json.hpp>

namespace vinet::node {
namespace {

using json = nlohmann::json;

constexpr uint8_t kMagic = 0xC1;
constexpr uint8_t kStatusMagic = 0xC2;
constexpr uint8_t kVersion = 0x01;

void PutU32(std::string& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xff));
}

void PutU64(std::string& out, uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xff));
}

void PutField(std::string& out, std::string_view data) {
  PutU32(out, static_cast<uint32_t>(data.size()));
  out.append(data);
}

void PutField(std::string& out, const Bytes& data) {
  PutField(out, std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

class Reader {
 public:
  explicit Reader(std::string_view in, const char* what = "claim record") : in_(in), what_(what) {}

  Status Fixed(const char* field, size_t n, uint64_t* v) {
    if (in_.size() - pos_ < n) return Truncated(field);
    uint64_t x = 0;
    for (size_t i = 0; i < n; ++i) x = (x << 8) | static_cast<uint8_t>(in_[pos_ + i]);
    pos_ += n;
    *v = x;
    return Status::Ok();
  }

  Status Field(const char* field, std::string_view* out) {
    uint64_t len = 0;
    VINET_RETURN_IF_ERROR(Fixed(field, 4, &len));
    if (len > in_.size() - pos_) {
      return Error(Code::kParse, std::string(what_) + ": " + field + ": length " +
                                     std::to_string(len) + " at byte " + std::to_string(pos_ - 4) +
                                     " runs past the end (" + std::to_string(in_.size()) +
                                     " bytes)");
    }
    *out = in_.substr(pos_, len);
    pos_ += len;
    return Status::Ok();
  }

  Status String(const char* field, std::string* out) {
    std::string_view v;
    VINET_RETURN_IF_ERROR(Field(field, &v));
    out->assign(v);
    return Status::Ok();
  }

  Status Blob(const char* field, Bytes* out) {
    std::string_view v;
    VINET_RETURN_IF_ERROR(Field(field, &v));
    out->assign(v.begin(), v.end());
    return Status::Ok();
  }

  Status Int(const char* field, int64_t* out) {
    uint64_t v = 0;
    VINET_RETURN_IF_ERROR(Fixed(field, 8, &v));
    *out = static_cast<int64_t>(v);
    return Status::Ok();
  }

  Status End() const {
    if (pos_ == in_.size()) return Status::Ok();
    return Error(Code::kParse, std::string(what_) + ": " + std::to_string(in_.size() - pos_) +
                                   " trailing bytes at byte " + std::to_string(pos_));
  }

 private:
  Status Truncated(const char* field) const {
    return Error(Code::kParse, std::string(what_) + ": " + field + ": truncated at byte " +
                                   std::to_string(pos_) + " of " + std::to_string(in_.size()));
  }
  std::string_view in_;
  const char* what_;
  size_t pos_ = 0;
};

}  // namespace

std::string ClaimToJson(const ClaimRecord& c) {
  json j = {{"id", c.id_hex},
            {"request", ToHex(c.request)},
            {"receipt", ToHex(c.receipt)},
            {"outputs", ToHex(c.outputs)},
            {"status", c.status},
            {"client", c.client},
            {"model_id", c.model_id},
            {"mode", static_cast<int>(c.mode)},
            {"fee", c.fee},
            {"tx_hash", c.tx_hash},
            {"height", c.height},
            {"accepted_ms", c.accepted_ms},
            {"submitted_ms", c.submitted_ms},
            {"settled_ms", c.settled_ms}};
  if (!c.chat.empty()) j["chat"] = c.chat;
  return j.dump();
}

Result<ClaimRecord> ClaimFromJson(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error(Code::kParse, "claim record: not JSON");
  try {
    ClaimRecord c;
    c.id_hex = j.at("id").get<std::string>();
    VINET_ASSIGN_OR_RETURN(c.request, FromHex(j.at("request").get<std::string>()));
    VINET_ASSIGN_OR_RETURN(c.receipt, FromHex(j.at("receipt").get<std::string>()));
    VINET_ASSIGN_OR_RETURN(c.outputs, FromHex(j.value("outputs", std::string())));
    c.status = j.at("status").get<std::string>();
    c.client = j.at("client").get<std::string>();
    c.model_id = j.at("model_id").get<std::string>();
    int mode = j.at("mode").get<int>();
    if (mode < 0 || mode > static_cast<int>(protocol::Mode::kZkml)) {
      return Error(Code::kParse, "claim record: mode: unknown value " + std::to_string(mode));
    }
    c.mode = static_cast<protocol::Mode>(mode);
    c.fee = j.at("fee").get<uint64_t>();
    c.tx_hash = j.at("tx_hash").get<std::string>();
    c.height = j.at("height").get<int64_t>();
    c.accepted_ms = j.at("accepted_ms").get<int64_t>();
    c.submitted_ms = j.at("submitted_ms").get<int64_t>();
    c.settled_ms = j.at("settled_ms").get<int64_t>();
    c.chat = j.value("chat", std::string());
    return c;
  } catch (const json::exception& e) {
    return Error(Code::kParse, std::string("claim record: ") + e.what());
  }
}

std::string EncodeClaimRecord(const ClaimRecord& c) {
  std::string out;
  out.reserve(2 + 9 * 4 + c.id_hex.size() + c.request.size() + c.receipt.size() + c.outputs.size() +
              c.chat.size() + c.status.size() + c.client.size() + c.model_id.size() +
              c.tx_hash.size() + 1 + 5 * 8);
  out.push_back(static_cast<char>(kMagic));
  out.push_back(static_cast<char>(kVersion));
  PutField(out, c.id_hex);
  PutField(out, c.request);
  PutField(out, c.receipt);
  PutField(out, c.outputs);
  PutField(out, c.chat);
  PutField(out, c.status);
  PutField(out, c.client);
  PutField(out, c.model_id);
  PutField(out, c.tx_hash);
  out.push_back(static_cast<char>(static_cast<uint8_t>(c.mode)));
  PutU64(out, c.fee);
  PutU64(out, static_cast<uint64_t>(c.height));
  PutU64(out, static_cast<uint64_t>(c.accepted_ms));
  PutU64(out, static_cast<uint64_t>(c.submitted_ms));
  PutU64(out, static_cast<uint64_t>(c.settled_ms));
  return out;
}

Result<ClaimRecord> DecodeClaimRecord(std::string_view record) {
  if (!record.empty() && record[0] == '{') return ClaimFromJson(record);  // earlier nodes
  if (record.size() < 2) {
    return Error(Code::kParse, "claim record: " + std::to_string(record.size()) +
                                   " bytes, shorter than its 2-byte header");
  }
  if (static_cast<uint8_t>(record[0]) != kMagic) {
    return Error(Code::kParse, "claim record: byte 0 is not the record magic 0xc1 nor '{'");
  }
  if (static_cast<uint8_t>(record[1]) != kVersion) {
    return Error(Code::kParse, "claim record: byte 1: unknown version " +
                                   std::to_string(static_cast<uint8_t>(record[1])));
  }
  Reader r(record.substr(2));
  ClaimRecord c;
  VINET_RETURN_IF_ERROR(r.String("id", &c.id_hex));
  VINET_RETURN_IF_ERROR(r.Blob("request", &c.request));
  VINET_RETURN_IF_ERROR(r.Blob("receipt", &c.receipt));
  VINET_RETURN_IF_ERROR(r.Blob("outputs", &c.outputs));
  VINET_RETURN_IF_ERROR(r.String("chat", &c.chat));
  VINET_RETURN_IF_ERROR(r.String("status", &c.status));
  VINET_RETURN_IF_ERROR(r.String("client", &c.client));
  VINET_RETURN_IF_ERROR(r.String("model_id", &c.model_id));
  VINET_RETURN_IF_ERROR(r.String("tx_hash", &c.tx_hash));
  uint64_t mode = 0, fee = 0;
  VINET_RETURN_IF_ERROR(r.Fixed("mode", 1, &mode));
  if (mode > static_cast<uint8_t>(protocol::Mode::kZkml)) {
    return Error(Code::kParse, "claim record: mode: unknown value " + std::to_string(mode));
  }
  c.mode = static_cast<protocol::Mode>(mode);
  VINET_RETURN_IF_ERROR(r.Fixed("fee", 8, &fee));
  c.fee = fee;
  VINET_RETURN_IF_ERROR(r.Int("height", &c.height));
  VINET_RETURN_IF_ERROR(r.Int("accepted_ms", &c.accepted_ms));
  VINET_RETURN_IF_ERROR(r.Int("submitted_ms", &c.submitted_ms));
  VINET_RETURN_IF_ERROR(r.Int("settled_ms", &c.settled_ms));
  VINET_RETURN_IF_ERROR(r.End());
  return c;
}

std::string EncodeClaimStatus(const ClaimRecord& c) {
  std::string out;
  out.reserve(2 + 2 * 4 + c.status.size() + c.tx_hash.size() + 3 * 8);
  out.push_back(static_cast<char>(kStatusMagic));
  out.push_back(static_cast<char>(kVersion));
  PutField(out, c.status);
  PutField(out, c.tx_hash);
  PutU64(out, static_cast<uint64_t>(c.height));
  PutU64(out, static_cast<uint64_t>(c.submitted_ms));
  PutU64(out, static_cast<uint64_t>(c.settled_ms));
  return out;
}

Status DecodeClaimStatus(std::string_view record, ClaimRecord* into) {
  if (record.size() < 2) {
    return Error(Code::kParse, "claim status: " + std::to_string(record.size()) +
                                   " bytes, shorter than its 2-byte header");
  }
  if (static_cast<uint8_t>(record[0]) != kStatusMagic) {
    return Error(Code::kParse, "claim status: byte 0 is not the status magic 0xc2");
  }
  if (static_cast<uint8_t>(record[1]) != kVersion) {
    return Error(Code::kParse, "claim status: byte 1: unknown version " +
                                   std::to_string(static_cast<uint8_t>(record[1])));
  }
  Reader r(record.substr(2), "claim status");
  std::string_view status, tx_hash;
  int64_t height = 0, submitted_ms = 0, settled_ms = 0;
  VINET_RETURN_IF_ERROR(r.Field("status", &status));
  VINET_RETURN_IF_ERROR(r.Field("tx_hash", &tx_hash));
  VINET_RETURN_IF_ERROR(r.Int("height", &height));
  VINET_RETURN_IF_ERROR(r.Int("submitted_ms", &submitted_ms));
  VINET_RETURN_IF_ERROR(r.Int("settled_ms", &settled_ms));
  VINET_RETURN_IF_ERROR(r.End());
  into->status.assign(status);
  into->tx_hash.assign(tx_hash);
  into->height = height;
  into->submitted_ms = submitted_ms;
  into->settled_ms = settled_ms;
  return Status::Ok();
}

}  // namespace vinet::node

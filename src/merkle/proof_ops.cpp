#include "vinet/merkle/proof_ops.h"

#include <string>

namespace vinet::merkle {
namespace {

Status ParseError(size_t offset, const std::string& what) {
  return Error(Code::kParse, "proof ops: offset " + std::to_string(offset) + ": " + what);
}

void PutVarint(Bytes& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

void PutField(Bytes& out, uint32_t field, ByteSpan data) {
  PutVarint(out, (field << 3) | 2);
  PutVarint(out, data.size());
  out.insert(out.end(), data.begin(), data.end());
}

// A protobuf wire reader over one message's bytes; offsets are reported
// relative to the outermost buffer (`base`).
class Reader {
 public:
  Reader(ByteSpan in, size_t base) : in_(in), base_(base) {}
  bool done() const { return at_ == in_.size(); }
  size_t offset() const { return base_ + at_; }

  Result<uint64_t> Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ == in_.size()) return ParseError(offset(), "truncated varint");
      const uint8_t b = in_[at_++];
      if (shift == 63 && b > 1) return ParseError(offset() - 1, "varint overflows 64 bits");
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return ParseError(offset(), "varint longer than 10 bytes");
  }

  // Reads a length-delimited payload; returns its view and its absolute offset.
  Result<std::pair<ByteSpan, size_t>> Delimited() {
    VINET_ASSIGN_OR_RETURN(uint64_t len, Varint());
    if (len > in_.size() - at_) {
      return ParseError(offset(), "length " + std::to_string(len) + " exceeds the " +
                                      std::to_string(in_.size() - at_) + " bytes left");
    }
    std::pair<ByteSpan, size_t> out{in_.subspan(at_, len), offset()};
    at_ += len;
    return out;
  }

  // Skips a field of wire type `wire` (unknown field).
  Status Skip(uint32_t wire) {
    switch (wire) {
      case 0:
        return Varint().status();
      case 1:
        return Advance(8);
      case 2:
        return Delimited().status();
      case 5:
        return Advance(4);
      default:
        return ParseError(offset(), "unsupported wire type " + std::to_string(wire));
    }
  }

 private:
  Status Advance(size_t n) {
    if (in_.size() - at_ < n) return ParseError(offset(), "truncated fixed-width field");
    at_ += n;
    return Status::Ok();
  }
  ByteSpan in_;
  size_t base_;
  size_t at_ = 0;
};

Result<ProofOp> DecodeOp(ByteSpan in, size_t base) {
  Reader r(in, base);
  ProofOp op;
  while (!r.done()) {
    const size_t tag_at = r.offset();
    VINET_ASSIGN_OR_RETURN(uint64_t tag, r.Varint());
    const uint64_t field = tag >> 3;
    const uint32_t wire = static_cast<uint32_t>(tag & 7);
    if (field == 0) return ParseError(tag_at, "field number 0");
    if (field >= 1 && field <= 3) {
      if (wire != 2) {
        return ParseError(tag_at, "ProofOp field " + std::to_string(field) + " has wire type " +
                                      std::to_string(wire) + " (expected 2)");
      }
      VINET_ASSIGN_OR_RETURN(auto payload, r.Delimited());
      auto [data, _] = payload;
      if (field == 1) op.type.assign(data.begin(), data.end());
      if (field == 2) op.key.assign(data.begin(), data.end());
      if (field == 3) op.data.assign(data.begin(), data.end());
    } else {
      VINET_RETURN_IF_ERROR(r.Skip(wire));
    }
  }
  return op;
}

}  // namespace

Bytes EncodeProofOps(const std::vector<ProofOp>& ops) {
  Bytes out;
  for (const auto& op : ops) {
    Bytes inner;
    if (!op.type.empty()) PutField(inner, 1, AsBytes(op.type));
    if (!op.key.empty()) PutField(inner, 2, op.key);
    if (!op.data.empty()) PutField(inner, 3, op.data);
    PutField(out, 1, inner);
  }
  return out;
}

Result<std::vector<ProofOp>> DecodeProofOps(ByteSpan in) {
  if (in.size() > kMaxProofOpsBytes) {
    return ParseError(0, std::to_string(in.size()) + " bytes exceed the limit of " +
                             std::to_string(kMaxProofOpsBytes));
  }
  Reader r(in, 0);
  std::vector<ProofOp> ops;
  while (!r.done()) {
    const size_t tag_at = r.offset();
    VINET_ASSIGN_OR_RETURN(uint64_t tag, r.Varint());
    const uint64_t field = tag >> 3;
    const uint32_t wire = static_cast<uint32_t>(tag & 7);
    if (field == 0) return ParseError(tag_at, "field number 0");
    if (field == 1) {
      if (wire != 2) {
        return ParseError(tag_at,
                          "ProofOps.ops has wire type " + std::to_string(wire) + " (expected 2)");
      }
      VINET_ASSIGN_OR_RETURN(auto payload, r.Delimited());
      VINET_ASSIGN_OR_RETURN(ProofOp op, DecodeOp(payload.first, payload.second));
      ops.push_back(std::move(op));
    } else {
      VINET_RETURN_IF_ERROR(r.Skip(wire));
    }
  }
  return ops;
}

ProofOp MakeProofOp(ByteSpan key, const Proof& proof) {
  return ProofOp{std::string(kProofOpType), Bytes(key.begin(), key.end()), EncodeProof(proof)};
}

Status VerifyProofOps(ByteSpan app_hash, ByteSpan key, std::optional<ByteSpan> value,
                      const std::vector<ProofOp>& ops) {
  if (ops.size() != 1) {
    return Error(Code::kVerification,
                 "proof ops: expected 1 op, got " + std::to_string(ops.size()));
  }
  const ProofOp& op = ops[0];
  if (op.type != kProofOpType) {
    return Error(Code::kVerification, "proof ops: op type '" + op.type + "', expected '" +
                                          std::string(kProofOpType) + "'");
  }
  if (!std::equal(op.key.begin(), op.key.end(), key.begin(), key.end())) {
    return Error(Code::kVerification, "proof ops: op is for key " + ToHex(op.key) +
                                          ", not the key queried " + ToHex(key));
  }
  Status s = value ? VerifyMembership(app_hash, key, *value, op.data)
                   : VerifyAbsence(app_hash, key, op.data);
  return s.WithContext("proof ops");
}

}  // namespace vinet::merkle

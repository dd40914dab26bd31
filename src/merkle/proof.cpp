#include "vinet/merkle/proof.h"

#include <algorithm>
#include <string>

namespace vinet::merkle {
namespace {

Status ParseError(size_t offset, const std::string& what) {
  return Error(Code::kParse, "merkle proof: offset " + std::to_string(offset) + ": " + what);
}

// True if the first `depth` bits of `a` and `b` agree.
bool SharePrefix(const Hash& a, const Hash& b, int depth) {
  for (int i = 0; i < depth; ++i) {
    if (PathBit(a, i) != PathBit(b, i)) return false;
  }
  return true;
}

Result<Hash> RootArg(ByteSpan root) {
  if (root.size() != 32) {
    return Error(Code::kInvalidArgument,
                 "merkle proof: root must be 32 bytes, got " + std::to_string(root.size()));
  }
  Hash h;
  std::copy(root.begin(), root.end(), h.begin());
  return h;
}

Status CheckRoot(const Hash& root, const Hash& key_hash, const Proof& proof) {
  Hash implied = ImpliedRoot(key_hash, proof);
  if (implied != root) {
    return Error(Code::kVerification,
                 "merkle proof: implies root " + ToHex(implied) + ", expected " + ToHex(root));
  }
  return Status::Ok();
}

}  // namespace

Bytes EncodeProof(const Proof& proof) {
  Bytes out;
  const size_t depth = proof.siblings.size();
  out.reserve(4 + 64 + (depth + 7) / 8 + 32 * depth);
  out.push_back(kProofVersion);
  out.push_back(proof.leaf ? 1 : 0);
  if (proof.leaf) {
    out.insert(out.end(), proof.leaf->key_hash.begin(), proof.leaf->key_hash.end());
    out.insert(out.end(), proof.leaf->value_hash.begin(), proof.leaf->value_hash.end());
  }
  out.push_back(static_cast<uint8_t>(depth >> 8));
  out.push_back(static_cast<uint8_t>(depth & 0xff));
  const size_t bitmap_at = out.size();
  out.resize(out.size() + (depth + 7) / 8, 0);
  for (size_t i = 0; i < depth; ++i) {
    if (proof.siblings[i] == kEmptyHash) continue;
    out[bitmap_at + i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
    out.insert(out.end(), proof.siblings[i].begin(), proof.siblings[i].end());
  }
  return out;
}

Result<Proof> DecodeProof(ByteSpan in) {
  if (in.size() > kMaxProofBytes) {
    return ParseError(0, "proof of " + std::to_string(in.size()) + " bytes exceeds the limit of " +
                             std::to_string(kMaxProofBytes));
  }
  size_t at = 0;
  auto need = [&](size_t n, const char* what) -> Status {
    if (in.size() - at < n) {
      return ParseError(at, std::string("truncated ") + what + " (need " + std::to_string(n) +
                                " bytes, " + std::to_string(in.size() - at) + " left)");
    }
    return Status::Ok();
  };
  auto take_hash = [&](Hash& h) {
    std::copy(in.begin() + at, in.begin() + at + 32, h.begin());
    at += 32;
  };
  VINET_RETURN_IF_ERROR(need(2, "header"));
  if (in[0] != kProofVersion) {
    return ParseError(0, "version " + std::to_string(in[0]) + " (expected 1)");
  }
  Proof proof;
  const uint8_t terminal = in[1];
  at = 2;
  if (terminal == 1) {
    VINET_RETURN_IF_ERROR(need(64, "leaf"));
    ProofLeaf leaf;
    take_hash(leaf.key_hash);
    take_hash(leaf.value_hash);
    proof.leaf = leaf;
  } else if (terminal != 0) {
    return ParseError(1, "terminal " + std::to_string(terminal) + " (expected 0 empty or 1 leaf)");
  }
  VINET_RETURN_IF_ERROR(need(2, "depth"));
  const size_t depth = (static_cast<size_t>(in[at]) << 8) | in[at + 1];
  if (depth > static_cast<size_t>(kMaxDepth)) {
    return ParseError(at, "depth " + std::to_string(depth) + " exceeds 256");
  }
  at += 2;
  const size_t bitmap_bytes = (depth + 7) / 8;
  VINET_RETURN_IF_ERROR(need(bitmap_bytes, "sibling bitmap"));
  const size_t bitmap_at = at;
  at += bitmap_bytes;
  if (depth % 8 != 0) {
    const uint8_t unused = static_cast<uint8_t>(0xff >> (depth % 8));
    if ((in[bitmap_at + bitmap_bytes - 1] & unused) != 0) {
      return ParseError(bitmap_at + bitmap_bytes - 1, "bitmap bits past depth are set");
    }
  }
  proof.siblings.assign(depth, kEmptyHash);
  for (size_t i = 0; i < depth; ++i) {
    if ((in[bitmap_at + i / 8] & (0x80 >> (i % 8))) == 0) continue;
    VINET_RETURN_IF_ERROR(need(32, "sibling"));
    take_hash(proof.siblings[i]);
    if (proof.siblings[i] == kEmptyHash) {
      return ParseError(
          at - 32, "sibling " + std::to_string(i) + " is the empty hash but its bitmap bit is set");
    }
  }
  if (at != in.size()) {
    return ParseError(at, std::to_string(in.size() - at) + " trailing bytes");
  }
  return proof;
}

Hash ImpliedRoot(const Hash& key_hash, const Proof& proof) {
  Hash h = proof.leaf ? LeafHash(proof.leaf->key_hash, proof.leaf->value_hash) : kEmptyHash;
  for (size_t i = proof.siblings.size(); i-- > 0;) {
    const Hash& sibling = proof.siblings[i];
    h = PathBit(key_hash, static_cast<int>(i)) ? InternalHash(sibling, h)
                                               : InternalHash(h, sibling);
  }
  return h;
}

Status VerifyMembership(const Hash& root, ByteSpan key, ByteSpan value, const Proof& proof) {
  const Hash key_hash = KeyHash(key);
  if (!proof.leaf) {
    return Error(Code::kVerification, "merkle proof: ends in an empty subtree, not a leaf");
  }
  if (proof.leaf->key_hash != key_hash) {
    return Error(Code::kVerification, "merkle proof: leaf is for another key");
  }
  if (proof.leaf->value_hash != ValueHash(value)) {
    return Error(Code::kVerification, "merkle proof: leaf value hash does not match the value");
  }
  return CheckRoot(root, key_hash, proof);
}

Status VerifyAbsence(const Hash& root, ByteSpan key, const Proof& proof) {
  const Hash key_hash = KeyHash(key);
  if (proof.leaf) {
    if (proof.leaf->key_hash == key_hash) {
      return Error(Code::kVerification, "merkle proof: the key is present (leaf is for this key)");
    }
    if (!SharePrefix(proof.leaf->key_hash, key_hash, static_cast<int>(proof.siblings.size()))) {
      return Error(Code::kVerification,
                   "merkle proof: leaf of another key does not share the key's path");
    }
  }
  return CheckRoot(root, key_hash, proof);
}

Status VerifyMembership(ByteSpan root, ByteSpan key, ByteSpan value, ByteSpan proof) {
  VINET_ASSIGN_OR_RETURN(Hash r, RootArg(root));
  VINET_ASSIGN_OR_RETURN(Proof p, DecodeProof(proof));
  return VerifyMembership(r, key, value, p);
}

Status VerifyAbsence(ByteSpan root, ByteSpan key, ByteSpan proof) {
  VINET_ASSIGN_OR_RETURN(Hash r, RootArg(root));
  VINET_ASSIGN_OR_RETURN(Proof p, DecodeProof(proof));
  return VerifyAbsence(r, key, p);
}

}  // namespace vinet::merkle

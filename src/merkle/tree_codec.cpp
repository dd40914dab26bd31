#include <string>

#include "vinet/merkle/tree.h"

namespace vinet::merkle {
namespace {

Status Corrupt(std::string_view what, size_t offset, const std::string& detail) {
  return Error(Code::kInternal, std::string("merkle ") + std::string(what) + ": offset " +
                                    std::to_string(offset) + ": " + detail);
}

void PutHash(Bytes& out, const Hash& h) {
  out.insert(out.end(), h.begin(), h.end());
}

Hash TakeHash(ByteSpan in, size_t& at) {
  Hash h;
  std::copy(in.begin() + at, in.begin() + at + 32, h.begin());
  at += 32;
  return h;
}

uint64_t TakeU64(ByteSpan in, size_t& at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[at++];
  return v;
}

// Decodes one ChildRef starting at `at`; advances `at`.
Result<ChildRef> TakeRef(ByteSpan in, size_t& at) {
  if (at >= in.size()) return Corrupt("child", at, "truncated kind");
  ChildRef ref;
  const uint8_t kind = in[at++];
  switch (kind) {
    case 0:
      return ref;
    case 1:
      if (in.size() - at < 64) return Corrupt("child", at, "truncated leaf");
      ref.kind = ChildRef::Kind::kLeaf;
      ref.key_hash = TakeHash(in, at);
      ref.value_hash = TakeHash(in, at);
      ref.hash = LeafHash(ref.key_hash, ref.value_hash);
      return ref;
    case 2:
      if (in.size() - at < 40) return Corrupt("child", at, "truncated internal ref");
      ref.kind = ChildRef::Kind::kInternal;
      ref.version = TakeU64(in, at);
      ref.hash = TakeHash(in, at);
      return ref;
    default:
      return Corrupt("child", at - 1, "kind " + std::to_string(kind));
  }
}

void PutRef(Bytes& out, const ChildRef& ref) {
  out.push_back(static_cast<uint8_t>(ref.kind));
  if (ref.kind == ChildRef::Kind::kLeaf) {
    PutHash(out, ref.key_hash);
    PutHash(out, ref.value_hash);
  } else if (ref.kind == ChildRef::Kind::kInternal) {
    AppendU64BE(out, ref.version);
    PutHash(out, ref.hash);
  }
}

}  // namespace

ChildRef ChildRef::Leaf(const Hash& key_hash, const Hash& value_hash) {
  ChildRef r;
  r.kind = Kind::kLeaf;
  r.key_hash = key_hash;
  r.value_hash = value_hash;
  r.hash = LeafHash(key_hash, value_hash);
  return r;
}

Bytes EncodeNodeKey(const NodeKey& key) {
  Bytes out;
  AppendU64BE(out, key.version);
  out.push_back(static_cast<uint8_t>(key.depth >> 8));
  out.push_back(static_cast<uint8_t>(key.depth & 0xff));
  out.insert(out.end(), key.path.begin(), key.path.begin() + (key.depth + 7) / 8);
  return out;
}

Result<NodeKey> DecodeNodeKey(ByteSpan in) {
  if (in.size() < 10) return Corrupt("node key", 0, "shorter than 10 bytes");
  NodeKey key;
  size_t at = 0;
  key.version = TakeU64(in, at);
  key.depth = static_cast<uint16_t>((in[8] << 8) | in[9]);
  if (key.depth > kMaxDepth) return Corrupt("node key", 8, "depth over 256");
  const size_t n = (key.depth + 7u) / 8u;
  if (in.size() != 10 + n) return Corrupt("node key", 10, "path length does not match depth");
  std::copy(in.begin() + 10, in.end(), key.path.begin());
  return key;
}

Bytes EncodeChildRef(const ChildRef& ref) {
  Bytes out;
  PutRef(out, ref);
  return out;
}

Result<ChildRef> DecodeChildRef(ByteSpan in) {
  size_t at = 0;
  VINET_ASSIGN_OR_RETURN(ChildRef ref, TakeRef(in, at));
  if (at != in.size()) return Corrupt("root", at, "trailing bytes");
  return ref;
}

Bytes EncodeNode(const InternalNode& node) {
  Bytes out;
  out.reserve(1 + 2 * 65);
  out.push_back(0x01);
  PutRef(out, node.left);
  PutRef(out, node.right);
  return out;
}

Result<InternalNode> DecodeNode(ByteSpan in) {
  if (in.empty() || in[0] != 0x01) return Corrupt("node", 0, "tag is not 0x01");
  size_t at = 1;
  InternalNode node;
  VINET_ASSIGN_OR_RETURN(node.left, TakeRef(in, at));
  VINET_ASSIGN_OR_RETURN(node.right, TakeRef(in, at));
  if (at != in.size()) return Corrupt("node", at, "trailing bytes");
  return node;
}

}  // namespace vinet::merkle

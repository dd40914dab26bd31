#include "vinet/light/hashing.h"

#include "light/proto_writer.h"

namespace vinet::light {
namespace {

crypto::Digest256 LeafHash(ByteSpan leaf) {
  crypto::Sha256Hasher h;
  const uint8_t prefix = 0;
  h.Update(ByteSpan(&prefix, 1)).Update(leaf);
  return h.Finish();
}

crypto::Digest256 InnerHash(const crypto::Digest256& left, const crypto::Digest256& right) {
  crypto::Sha256Hasher h;
  const uint8_t prefix = 1;
  h.Update(ByteSpan(&prefix, 1)).Update(left).Update(right);
  return h.Finish();
}

crypto::Digest256 RootOf(const std::vector<Bytes>& leaves, size_t begin, size_t end) {
  size_t n = end - begin;
  if (n == 1) return LeafHash(leaves[begin]);
  size_t split = 1;
  while (split * 2 < n) split *= 2;  // largest power of two strictly below n
  return InnerHash(RootOf(leaves, begin, begin + split), RootOf(leaves, begin + split, end));
}

Bytes TimestampProto(const Time& t) {
  Bytes out;
  pb::UintField(out, 1, static_cast<uint64_t>(t.seconds));
  pb::UintField(out, 2, static_cast<uint64_t>(static_cast<int64_t>(t.nanos)));
  return out;
}

Bytes PartSetHeaderProto(const PartSetHeader& p) {
  Bytes out;
  pb::UintField(out, 1, p.total);
  pb::BytesField(out, 2, p.hash);
  return out;
}

Bytes BlockIdProto(const BlockId& id) {
  Bytes out;
  pb::BytesField(out, 1, id.hash);
  pb::MessageAlways(out, 2, PartSetHeaderProto(id.parts));
  return out;
}

// gogoproto's BytesValue / StringValue wrapper: field 1, omitted when empty.
Bytes Wrapped(ByteSpan value) {
  Bytes out;
  pb::BytesField(out, 1, value);
  return out;
}

}  // namespace

crypto::Digest256 MerkleRoot(const std::vector<Bytes>& leaves) {
  if (leaves.empty()) return crypto::Sha256({});
  return RootOf(leaves, 0, leaves.size());
}

crypto::Digest256 HeaderHash(const Header& h) {
  std::vector<Bytes> fields;
  fields.reserve(14);
  Bytes version;
  pb::UintField(version, 1, h.version_block);
  pb::UintField(version, 2, h.version_app);
  fields.push_back(std::move(version));
  fields.push_back(Wrapped(AsBytes(h.chain_id)));
  Bytes height;
  pb::UintField(height, 1, static_cast<uint64_t>(h.height));
  fields.push_back(std::move(height));
  fields.push_back(TimestampProto(h.time));
  fields.push_back(BlockIdProto(h.last_block_id));
  for (const Bytes* b : {&h.last_commit_hash, &h.data_hash, &h.validators_hash,
                         &h.next_validators_hash, &h.consensus_hash, &h.app_hash,
                         &h.last_results_hash, &h.evidence_hash, &h.proposer_address}) {
    fields.push_back(Wrapped(*b));
  }
  return MerkleRoot(fields);
}

crypto::Digest256 ValidatorSetHash(const ValidatorSet& set) {
  std::vector<Bytes> leaves;
  leaves.reserve(set.validators.size());
  for (const auto& v : set.validators) {
    Bytes key;  // tendermint.crypto.PublicKey{oneof sum: ed25519 = 1}
    pb::MessageAlways(key, 1, v.pub_key);
    Bytes leaf;
    pb::MessageAlways(leaf, 1, key);
    pb::UintField(leaf, 2, static_cast<uint64_t>(v.voting_power));
    leaves.push_back(std::move(leaf));
  }
  return MerkleRoot(leaves);
}

Bytes VoteSignBytes(std::string_view chain_id, const Commit& commit, size_t index) {
  const CommitSig& sig = commit.signatures.at(index);
  Bytes vote;
  pb::UintField(vote, 1, 2);  // SignedMsgType PRECOMMIT
  pb::Sfixed64Field(vote, 2, commit.height);
  pb::Sfixed64Field(vote, 3, commit.round);
  if (sig.flag == BlockIdFlag::kCommit && !commit.block_id.IsZero()) {
    Bytes id;  // CanonicalBlockID: its part-set header is non-nullable
    pb::BytesField(id, 1, commit.block_id.hash);
    pb::MessageAlways(id, 2, PartSetHeaderProto(commit.block_id.parts));
    pb::MessageAlways(vote, 4, id);
  }
  pb::MessageAlways(vote, 5, TimestampProto(sig.timestamp));
  pb::BytesField(vote, 6, AsBytes(chain_id));
  Bytes out;
  pb::Varint(out, vote.size());
  out.insert(out.end(), vote.begin(), vote.end());
  return out;
}

Bytes AddressOfKey(ByteSpan pub_key) {
  auto d = crypto::Sha256(pub_key);
  return Bytes(d.begin(), d.begin() + 20);
}

int64_t ValidatorSet::TotalVotingPower() const {
  int64_t total = 0;
  for (const auto& v : validators) {
    if (v.voting_power < 0 || total > kMaxTotalVotingPower - v.voting_power) return -1;
    total += v.voting_power;
  }
  return total;
}

int ValidatorSet::FindByAddress(ByteSpan address) const {
  for (size_t i = 0; i < validators.size(); ++i) {
    const Bytes& a = validators[i].address;
    if (a.size() == address.size() && std::equal(a.begin(), a.end(), address.begin())) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace vinet::light

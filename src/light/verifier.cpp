#include "vinet/light/verifier.h"

#include <string>
#include <unordered_set>

#include "vinet/crypto/ed25519.h"
#include "vinet/light/hashing.h"

namespace vinet::light {
namespace {

constexpr std::string_view kBisect = "(bisect)";

std::string Hex(ByteSpan b) {
  return ToHex(b);
}

bool Equal(ByteSpan a, ByteSpan b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

std::string At(int64_t height) {
  return "height " + std::to_string(height);
}

Status CheckHashSize(ByteSpan h, std::string_view field, int64_t height) {
  if (!h.empty() && h.size() != 32) {
    return Error(Code::kParse, At(height) + ": header." + std::string(field) + " has " +
                                   std::to_string(h.size()) + " bytes, want 32");
  }
  return {};
}

Status ValidateBlockId(const BlockId& id, std::string_view what, int64_t height) {
  VINET_RETURN_IF_ERROR(CheckHashSize(id.hash, std::string(what) + ".hash", height));
  VINET_RETURN_IF_ERROR(CheckHashSize(id.parts.hash, std::string(what) + ".parts.hash", height));
  return {};
}

Status ValidateHeader(const Header& h) {
  if (h.version_block != kBlockProtocol) {
    return Error(Code::kParse, At(h.height) + ": header.version.block is " +
                                   std::to_string(h.version_block) + ", want " +
                                   std::to_string(kBlockProtocol));
  }
  if (h.chain_id.size() > 50) {
    return Error(Code::kParse, At(h.height) + ": header.chain_id is longer than 50 bytes");
  }
  if (h.height <= 0) return Error(Code::kParse, "header.height must be > 0");
  VINET_RETURN_IF_ERROR(ValidateBlockId(h.last_block_id, "last_block_id", h.height));
  const std::pair<const Bytes*, const char*> hashes[] = {
      {&h.last_commit_hash, "last_commit_hash"}, {&h.data_hash, "data_hash"},
      {&h.evidence_hash, "evidence_hash"},       {&h.next_validators_hash, "next_validators_hash"},
      {&h.consensus_hash, "consensus_hash"},     {&h.last_results_hash, "last_results_hash"}};
  for (const auto& [bytes, name] : hashes) {
    VINET_RETURN_IF_ERROR(CheckHashSize(*bytes, name, h.height));
  }
  if (h.validators_hash.size() != 32) {
    return Error(Code::kParse, At(h.height) + ": header.validators_hash must be 32 bytes");
  }
  if (h.next_validators_hash.size() != 32) {
    return Error(Code::kParse, At(h.height) + ": header.next_validators_hash must be 32 bytes");
  }
  if (h.proposer_address.size() != 20) {
    return Error(Code::kParse, At(h.height) + ": header.proposer_address has " +
                                   std::to_string(h.proposer_address.size()) + " bytes, want 20");
  }
  return {};
}

Status ValidateCommit(const Commit& c) {
  if (c.height <= 0) return Error(Code::kParse, "commit.height must be > 0");
  if (c.round < 0) return Error(Code::kParse, At(c.height) + ": commit.round is negative");
  if (c.block_id.IsZero()) return Error(Code::kParse, At(c.height) + ": commit.block_id is empty");
  VINET_RETURN_IF_ERROR(ValidateBlockId(c.block_id, "commit.block_id", c.height));
  if (c.signatures.empty()) return Error(Code::kParse, At(c.height) + ": commit has no signatures");
  for (size_t i = 0; i < c.signatures.size(); ++i) {
    const CommitSig& s = c.signatures[i];
    std::string where = At(c.height) + ": commit.signatures[" + std::to_string(i) + "]";
    switch (s.flag) {
      case BlockIdFlag::kAbsent:
        if (!s.validator_address.empty() || !s.signature.empty() || !s.timestamp.IsZero()) {
          return Error(Code::kParse,
                       where + ": an absent vote carries an address, time or signature");
        }
        break;
      case BlockIdFlag::kCommit:
      case BlockIdFlag::kNil:
        if (s.validator_address.size() != 20) {
          return Error(Code::kParse, where + ".validator_address must be 20 bytes");
        }
        if (s.signature.size() != 64) {
          return Error(Code::kParse, where + ".signature must be 64 bytes");
        }
        break;
      default:
        return Error(Code::kParse, where + ".block_id_flag " +
                                       std::to_string(static_cast<int>(s.flag)) + " is unknown");
    }
  }
  return {};
}

Status VerifySig(std::string_view chain_id, const Validator& v, const Commit& commit, size_t i) {
  Bytes msg = VoteSignBytes(chain_id, commit, i);
  if (!crypto::Verify(v.pub_key, msg, commit.signatures[i].signature)) {
    return Error(Code::kUnauthenticated, At(commit.height) + ": commit.signatures[" +
                                             std::to_string(i) + "] by validator " +
                                             Hex(v.address) + " does not verify");
  }
  return {};
}

Status CheckNewHeader(const SignedHeader& trusted, const SignedHeader& untrusted,
                      const ValidatorSet& untrusted_vals, Time now, const VerifyOptions& o) {
  const Header& t = trusted.header;
  const Header& u = untrusted.header;
  VINET_RETURN_IF_ERROR(ValidateSignedHeader(untrusted, t.chain_id));
  if (u.height <= t.height) {
    return Error(Code::kVerification, "new header height " + std::to_string(u.height) +
                                          " is not above the trusted height " +
                                          std::to_string(t.height));
  }
  if (!(u.time > t.time)) {
    return Error(Code::kVerification, At(u.height) + ": header time " + FormatTime(u.time) +
                                          " is not after the trusted header's " +
                                          FormatTime(t.time));
  }
  Time limit = AddNanos(now, o.max_clock_drift_ns);
  if (!(u.time < limit)) {
    return Error(Code::kVerification, At(u.height) + ": header time " + FormatTime(u.time) +
                                          " is past now + max clock drift (" + FormatTime(limit) +
                                          ")");
  }
  VINET_RETURN_IF_ERROR(ValidateValidatorSet(untrusted_vals, At(u.height) + ": validators"));
  auto vh = ValidatorSetHash(untrusted_vals);
  if (!Equal(vh, u.validators_hash)) {
    return Error(Code::kVerification,
                 At(u.height) + ": header.validators_hash " + Hex(u.validators_hash) +
                     " differs from the hash of the validators served " + Hex(vh));
  }
  return {};
}

Status CheckNotExpired(const Header& t, Time now, const VerifyOptions& o) {
  if (HeaderExpired(t, o.trusting_period_ns, now)) {
    return Error(Code::kOutOfRange,
                 "trusted header at " + At(t.height) + " (time " + FormatTime(t.time) +
                     ") is older than the trusting period at " + FormatTime(now) +
                     "; re-initialise from a newer trusted checkpoint");
  }
  return {};
}

}  // namespace

Status ValidateSignedHeader(const SignedHeader& sh, std::string_view chain_id) {
  VINET_RETURN_IF_ERROR(ValidateHeader(sh.header));
  if (sh.header.chain_id != chain_id) {
    return Error(Code::kVerification, At(sh.header.height) + ": header.chain_id \"" +
                                          sh.header.chain_id + "\" is not \"" +
                                          std::string(chain_id) + "\"");
  }
  VINET_RETURN_IF_ERROR(ValidateCommit(sh.commit));
  if (sh.commit.height != sh.header.height) {
    return Error(Code::kVerification, "commit height " + std::to_string(sh.commit.height) +
                                          " is not the header height " +
                                          std::to_string(sh.header.height));
  }
  auto hash = HeaderHash(sh.header);
  if (!Equal(hash, sh.commit.block_id.hash)) {
    return Error(Code::kVerification, At(sh.header.height) + ": commit signs block " +
                                          Hex(sh.commit.block_id.hash) +
                                          " but the header served hashes to " + Hex(hash));
  }
  return {};
}

Status ValidateValidatorSet(const ValidatorSet& set, std::string_view what) {
  if (set.validators.empty()) return Error(Code::kParse, std::string(what) + ": empty set");
  for (size_t i = 0; i < set.validators.size(); ++i) {
    const Validator& v = set.validators[i];
    std::string where = std::string(what) + "[" + std::to_string(i) + "]";
    if (v.voting_power <= 0) return Error(Code::kParse, where + ".voting_power must be > 0");
    if (!Equal(v.address, AddressOfKey(v.pub_key))) {
      return Error(Code::kParse, where + ".address " + Hex(v.address) + " is not its key's");
    }
  }
  if (set.TotalVotingPower() < 0) {
    return Error(Code::kOutOfRange, std::string(what) + ": total voting power exceeds " +
                                        std::to_string(kMaxTotalVotingPower));
  }
  return {};
}

Status VerifyCommitLight(std::string_view chain_id, const ValidatorSet& vals,
                         const BlockId& block_id, int64_t height, const Commit& commit) {
  if (vals.validators.size() != commit.signatures.size()) {
    return Error(Code::kVerification,
                 At(height) + ": commit has " + std::to_string(commit.signatures.size()) +
                     " signatures for a set of " + std::to_string(vals.validators.size()));
  }
  if (commit.height != height) {
    return Error(Code::kVerification, "commit height " + std::to_string(commit.height) +
                                          " is not " + std::to_string(height));
  }
  if (!(commit.block_id == block_id)) {
    return Error(Code::kVerification, At(height) + ": commit is for block " +
                                          Hex(commit.block_id.hash) + ", want " +
                                          Hex(block_id.hash));
  }
  const int64_t total = vals.TotalVotingPower();
  const int64_t needed = total / 3 * 2 + (total % 3) * 2 / 3;  // floor(total * 2 / 3)
  int64_t tallied = 0;
  for (size_t i = 0; i < commit.signatures.size(); ++i) {
    const CommitSig& s = commit.signatures[i];
    if (s.flag != BlockIdFlag::kCommit) continue;
    const Validator& v = vals.validators[i];
    if (!Equal(v.address, s.validator_address)) {
      return Error(Code::kVerification, At(height) + ": commit.signatures[" + std::to_string(i) +
                                            "] is by " + Hex(s.validator_address) +
                                            ", but validator " + std::to_string(i) + " is " +
                                            Hex(v.address));
    }
    VINET_RETURN_IF_ERROR(VerifySig(chain_id, v, commit, i));
    tallied += v.voting_power;
    if (tallied > needed) return {};
  }
  return Error(Code::kVerification, At(height) + ": validators signed " + std::to_string(tallied) +
                                        " of " + std::to_string(total) +
                                        " voting power, need more than " + std::to_string(needed) +
                                        " (2/3)");
}

Status VerifyCommitLightTrusting(std::string_view chain_id, const ValidatorSet& trusted,
                                 const Commit& commit, TrustLevel level) {
  if (level.denominator <= 0 || level.numerator <= 0 || level.numerator > level.denominator) {
    return Error(Code::kInvalidArgument, "trust level " + std::to_string(level.numerator) + "/" +
                                             std::to_string(level.denominator) +
                                             " is not in (0, 1]");
  }
  const int64_t total = trusted.TotalVotingPower();
  // total ≤ 2^60 and a trust level's numerator is small: use 128 bits anyway.
  const auto needed =
      static_cast<int64_t>(static_cast<__int128>(total) * level.numerator / level.denominator);
  int64_t tallied = 0;
  std::unordered_set<int> seen;
  for (size_t i = 0; i < commit.signatures.size(); ++i) {
    const CommitSig& s = commit.signatures[i];
    if (s.flag != BlockIdFlag::kCommit) continue;
    int idx = trusted.FindByAddress(s.validator_address);
    if (idx < 0) continue;
    if (!seen.insert(idx).second) {
      return Error(Code::kVerification,
                   At(commit.height) + ": validator " + Hex(s.validator_address) + " signed twice");
    }
    VINET_RETURN_IF_ERROR(VerifySig(chain_id, trusted.validators[idx], commit, i));
    tallied += trusted.validators[idx].voting_power;
    if (tallied > needed) return {};
  }
  return Error(Code::kVerification,
               At(commit.height) + ": trusted validators signed " + std::to_string(tallied) +
                   " of " + std::to_string(total) + " voting power, need more than " +
                   std::to_string(needed) + " (" + std::to_string(level.numerator) + "/" +
                   std::to_string(level.denominator) + ") " + std::string(kBisect));
}

bool IsNotEnoughTrust(const Status& status) {
  const std::string& m = status.message();
  return status.code() == Code::kVerification && m.size() >= kBisect.size() &&
         m.compare(m.size() - kBisect.size(), kBisect.size(), kBisect) == 0;
}

Status VerifyAdjacent(const SignedHeader& trusted, const SignedHeader& untrusted,
                      const ValidatorSet& untrusted_vals, Time now, const VerifyOptions& o) {
  if (untrusted.header.height != trusted.header.height + 1) {
    return Error(Code::kInvalidArgument,
                 "headers at heights " + std::to_string(trusted.header.height) + " and " +
                     std::to_string(untrusted.header.height) + " are not adjacent");
  }
  VINET_RETURN_IF_ERROR(CheckNotExpired(trusted.header, now, o));
  VINET_RETURN_IF_ERROR(CheckNewHeader(trusted, untrusted, untrusted_vals, now, o));
  if (!Equal(untrusted.header.validators_hash, trusted.header.next_validators_hash)) {
    return Error(Code::kVerification, At(untrusted.header.height) + ": header.validators_hash " +
                                          Hex(untrusted.header.validators_hash) +
                                          " is not the trusted header's next_validators_hash " +
                                          Hex(trusted.header.next_validators_hash));
  }
  return VerifyCommitLight(trusted.header.chain_id, untrusted_vals, untrusted.commit.block_id,
                           untrusted.header.height, untrusted.commit);
}

Status VerifyNonAdjacent(const SignedHeader& trusted, const ValidatorSet& trusted_vals,
                         const SignedHeader& untrusted, const ValidatorSet& untrusted_vals,
                         Time now, const VerifyOptions& o) {
  if (untrusted.header.height == trusted.header.height + 1) {
    return Error(Code::kInvalidArgument,
                 "headers at heights " + std::to_string(trusted.header.height) + " and " +
                     std::to_string(untrusted.header.height) + " are adjacent");
  }
  VINET_RETURN_IF_ERROR(CheckNotExpired(trusted.header, now, o));
  VINET_RETURN_IF_ERROR(CheckNewHeader(trusted, untrusted, untrusted_vals, now, o));
  VINET_RETURN_IF_ERROR(VerifyCommitLightTrusting(trusted.header.chain_id, trusted_vals,
                                                  untrusted.commit, o.trust_level));
  return VerifyCommitLight(trusted.header.chain_id, untrusted_vals, untrusted.commit.block_id,
                           untrusted.header.height, untrusted.commit);
}

Status Verify(const LightBlock& trusted, const LightBlock& untrusted, Time now,
              const VerifyOptions& o) {
  if (untrusted.height() == trusted.height() + 1) {
    return VerifyAdjacent(trusted.signed_header, untrusted.signed_header, untrusted.validators, now,
                          o);
  }
  return VerifyNonAdjacent(trusted.signed_header, trusted.validators, untrusted.signed_header,
                           untrusted.validators, now, o);
}

}  // namespace vinet::light

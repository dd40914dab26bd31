#include "light/synthetic_chain.h"

#include "vinet/light/hashing.h"
#include "vinet/light/time.h"

namespace vinet::light::testing {

SyntheticChain::SyntheticChain(SyntheticChainOptions options) : options_(std::move(options)) {
  int64_t epochs = options_.length / options_.epoch + 2;
  size_t pool = static_cast<size_t>(options_.set_size + epochs * options_.rotate);
  for (size_t i = 0; i < pool; ++i) {
    Bytes seed(32, 0);
    for (int b = 0; b < 8; ++b) seed[b] = static_cast<uint8_t>((i + 1) >> (8 * b));
    pool_.push_back(crypto::SecretKey::FromSeed(seed).value());
  }
  headers_.reserve(options_.length);
  BlockId last;
  for (int64_t h = 1; h <= options_.length; ++h) {
    Header hd;
    hd.version_block = kBlockProtocol;
    hd.chain_id = options_.chain_id;
    hd.height = h;
    hd.time = Time{options_.genesis_seconds + h - 1, static_cast<int32_t>(h % 1000) * 1000};
    hd.last_block_id = last;
    auto d = crypto::Sha256(AsBytes("data" + std::to_string(h)));
    hd.last_commit_hash.assign(d.begin(), d.end());
    hd.data_hash = hd.last_commit_hash;
    auto vh = ValidatorSetHash(SetAt(h));
    hd.validators_hash.assign(vh.begin(), vh.end());
    auto nvh = ValidatorSetHash(SetAt(h + 1));
    hd.next_validators_hash.assign(nvh.begin(), nvh.end());
    hd.consensus_hash = hd.data_hash;
    if (options_.app_hash) {
      hd.app_hash = options_.app_hash(h);
    } else {
      auto app = crypto::Sha256(AsBytes("app" + std::to_string(h)));
      hd.app_hash.assign(app.begin(), app.end());
    }
    hd.last_results_hash = hd.data_hash;
    hd.proposer_address = SetAt(h).validators[0].address;
    auto hash = HeaderHash(hd);
    last.hash.assign(hash.begin(), hash.end());
    last.parts.total = 1;
    last.parts.hash = hd.data_hash;
    headers_.push_back(std::move(hd));
  }
}

size_t SyntheticChain::FirstKey(int64_t height) const {
  return static_cast<size_t>(height / options_.epoch) * options_.rotate;
}

ValidatorSet SyntheticChain::SetAt(int64_t height) const {
  ValidatorSet set;
  size_t first = FirstKey(height);
  for (int i = 0; i < options_.set_size; ++i) {
    Validator v;
    v.pub_key = KeyOf(first + i).public_key();
    v.address = AddressOfKey(v.pub_key);
    v.voting_power = 10;
    set.validators.push_back(std::move(v));
  }
  std::sort(set.validators.begin(), set.validators.end(),
            [](const Validator& a, const Validator& b) { return a.address < b.address; });
  return set;
}

void SyntheticChain::Resign(Commit& commit, size_t index, int64_t height) const {
  ValidatorSet set = SetAt(height);
  size_t first = FirstKey(height);
  for (int i = 0; i < options_.set_size; ++i) {
    const auto& key = KeyOf(first + i);
    if (AddressOfKey(key.public_key()) == commit.signatures[index].validator_address) {
      auto sig = key.Sign(VoteSignBytes(options_.chain_id, commit, index));
      commit.signatures[index].signature.assign(sig.begin(), sig.end());
    }
  }
}

Result<LightBlock> SyntheticChain::Fetch(int64_t height) {
  if (height == 0) height = options_.length;
  if (height < 1 || height > options_.length) {
    return Error(Code::kNotFound, "synthetic: no height " + std::to_string(height));
  }
  ++fetches;
  LightBlock b;
  b.signed_header.header = HeaderAt(height);
  b.validators = SetAt(height);
  Commit& c = b.signed_header.commit;
  c.height = height;
  auto hash = HeaderHash(b.signed_header.header);
  c.block_id.hash.assign(hash.begin(), hash.end());
  c.block_id.parts.total = 1;
  c.block_id.parts.hash = b.signed_header.header.data_hash;
  for (size_t i = 0; i < b.validators.validators.size(); ++i) {
    CommitSig s;
    if (absent.count(i)) {
      s.flag = BlockIdFlag::kAbsent;
    } else {
      s.flag = BlockIdFlag::kCommit;
      s.validator_address = b.validators.validators[i].address;
      s.timestamp = AddNanos(b.signed_header.header.time, 500'000'000);
    }
    c.signatures.push_back(std::move(s));
  }
  for (size_t i = 0; i < c.signatures.size(); ++i) {
    if (c.signatures[i].flag == BlockIdFlag::kCommit) Resign(c, i, height);
  }
  return b;
}

nlohmann::json SyntheticChain::Genesis() const {
  nlohmann::json vals = nlohmann::json::array();
  for (const auto& v : SetAt(1).validators) {
    std::string b64;
    static const char* kAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const auto& k = v.pub_key;
    for (size_t i = 0; i < 30; i += 3) {
      uint32_t x = (k[i] << 16) | (k[i + 1] << 8) | k[i + 2];
      for (int s = 18; s >= 0; s -= 6) b64.push_back(kAlpha[(x >> s) & 63]);
    }
    uint32_t x = (k[30] << 16) | (k[31] << 8);
    b64.push_back(kAlpha[(x >> 18) & 63]);
    b64.push_back(kAlpha[(x >> 12) & 63]);
    b64.push_back(kAlpha[(x >> 6) & 63]);
    b64.push_back('=');
    vals.push_back({{"pub_key", {{"type", "tendermint/PubKeyEd25519"}, {"value", b64}}},
                    {"power", std::to_string(v.voting_power)}});
  }
  return {{"chain_id", options_.chain_id}, {"validators", vals}};
}

}  // namespace vinet::light::testing

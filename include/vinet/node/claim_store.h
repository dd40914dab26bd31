// The node's durable job queue: one record per accepted claim, in RocksDB.
//
// Key "c/<inference id hex>" → binary record (claim_codec.h; JSON records of
// earlier nodes are still read). Every `Put` is a synced write
// (WriteOptions::sync), so once it returns the claim survives kill -9 and
// power loss; the node answers a client only after it. A later status change
// is `PutStatuses`: key "s/<id hex>" → a small status record (claim_codec.h)
// that overrides the whole record's status fields, written NOT synced: it
// survives kill -9 of the node (RocksDB has written it to the WAL file
// before returning) and reaches the disk with the next synced write (the
// next accepted claim) or the OS's writeback; only a power loss before that
// can lose it, and then the claim reads back with an earlier status, which
// the submitter resolves again from the chain (docs/network.md, "status
// records"). `Get` and `LoadAll` return records with their status applied
// (`LoadAll`: every record, used at start-up to rebuild the in-memory
// pending set). `Has` says whether a claim was ever accepted. Status
// values: ACCEPTED (not yet in a tx), SUBMITTED (in a tx the chain accepted
// into its mempool), PENDING (ZKML: on chain, awaiting its proof), and the
// chain's final statuses (SETTLED, REJECTED,
// DUPLICATE, UNFUNDED). Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/protocol/receipt.h"

namespace rocksdb {
class DB;
}

namespace vinet::node {

struct ClaimRecord {
  std::string id_hex;
  Bytes request;  // EncodeSignedRequest
  Bytes receipt;  // EncodeReceipt with outputs emptied (what goes on chain)
  // EncodeTensors of the outputs the client was answered with: kept so the
  // answer stays retrievable by inference id (GET /v1/inferences/<id>) when the
  // client's call timed out. Empty in records written before it existed.
  Bytes outputs;
  // Chat claims (receipt = EncodeChatReceipt): the answer as JSON
  // {"text", "chunks": [ChatChunkToJson...], "signer"}; empty otherwise.
  std::string chat;
  std::string status = "ACCEPTED";
  std::string client;  // address
  std::string model_id;
  protocol::Mode mode = protocol::Mode::kVanilla;
  uint64_t fee = 0;
  std::string tx_hash;
  int64_t height = 0;
  int64_t accepted_ms = 0;
  int64_t submitted_ms = 0;
  int64_t settled_ms = 0;

  // PENDING (ZKML, on chain awaiting its proof) stays open: its fee is at stake.
  bool final() const {
    return status != "ACCEPTED" && status != "SUBMITTED" && status != "PENDING";
  }
};

// The JSON form earlier nodes stored (DecodeClaimRecord still reads it).
std::string ClaimToJson(const ClaimRecord& c);
Result<ClaimRecord> ClaimFromJson(std::string_view text);

class ClaimStore {
 public:
  static Result<std::unique_ptr<ClaimStore>> Open(const std::filesystem::path& dir);
  ~ClaimStore();

  Status Put(const ClaimRecord& claim);
  // Several records in one synced batch.
  Status PutMany(const std::vector<ClaimRecord>& claims);
  Status PutMany(const std::vector<const ClaimRecord*>& claims);
  // The status fields of claims already stored, in one batch, not synced.
  Status PutStatuses(const std::vector<ClaimRecord>& claims);
  Result<ClaimRecord> Get(const std::string& id_hex) const;  // kNotFound
  Result<bool> Has(const std::string& id_hex) const;
  Result<std::vector<ClaimRecord>> LoadAll() const;

 private:
  explicit ClaimStore(rocksdb::DB* db) : db_(db) {}
  rocksdb::DB* db_;
};

}  // namespace vinet::node

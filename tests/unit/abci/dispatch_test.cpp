// Dispatch: each Request type reaches its Application method and comes back
// as the matching Response type; Echo and Flush never reach the Application.
#include "abci/dispatch.h"

#include <gtest/gtest.h>

#include <vector>

namespace vinet::abci {
namespace {

class RecordingApp : public Application {
 public:
  pb::ResponseInfo Info(const pb::RequestInfo&) override { return Log("info"), pb::ResponseInfo(); }
  pb::ResponseQuery Query(const pb::RequestQuery&) override {
    return Log("query"), pb::ResponseQuery();
  }
  pb::ResponseCheckTx CheckTx(const pb::RequestCheckTx&) override {
    return Log("check_tx"), pb::ResponseCheckTx();
  }
  pb::ResponseInitChain InitChain(const pb::RequestInitChain&) override {
    return Log("init_chain"), pb::ResponseInitChain();
  }
  pb::ResponseFinalizeBlock FinalizeBlock(const pb::RequestFinalizeBlock&) override {
    return Log("finalize_block"), pb::ResponseFinalizeBlock();
  }
  pb::ResponseCommit Commit() override { return Log("commit"), pb::ResponseCommit(); }
  std::vector<std::string> calls;

 private:
  void Log(const char* name) { calls.push_back(name); }
};

struct Case {
  pb::Request::ValueCase request;
  pb::Response::ValueCase response;
};

pb::Request Make(pb::Request::ValueCase c) {
  pb::Request r;
  const auto* field = pb::Request::descriptor()->FindFieldByNumber(static_cast<int>(c));
  r.GetReflection()->MutableMessage(&r, field);
  return r;
}

TEST(Dispatch, EveryRequestTypeGetsItsResponseType) {
  const std::vector<Case> cases = {
      {pb::Request::kEcho, pb::Response::kEcho},
      {pb::Request::kFlush, pb::Response::kFlush},
      {pb::Request::kInfo, pb::Response::kInfo},
      {pb::Request::kInitChain, pb::Response::kInitChain},
      {pb::Request::kQuery, pb::Response::kQuery},
      {pb::Request::kCheckTx, pb::Response::kCheckTx},
      {pb::Request::kCommit, pb::Response::kCommit},
      {pb::Request::kListSnapshots, pb::Response::kListSnapshots},
      {pb::Request::kOfferSnapshot, pb::Response::kOfferSnapshot},
      {pb::Request::kLoadSnapshotChunk, pb::Response::kLoadSnapshotChunk},
      {pb::Request::kApplySnapshotChunk, pb::Response::kApplySnapshotChunk},
      {pb::Request::kPrepareProposal, pb::Response::kPrepareProposal},
      {pb::Request::kProcessProposal, pb::Response::kProcessProposal},
      {pb::Request::kExtendVote, pb::Response::kExtendVote},
      {pb::Request::kVerifyVoteExtension, pb::Response::kVerifyVoteExtension},
      {pb::Request::kFinalizeBlock, pb::Response::kFinalizeBlock},
  };
  // Every Request oneof member is covered.
  EXPECT_EQ(cases.size(),
            static_cast<size_t>(pb::Request::descriptor()->oneof_decl(0)->field_count()));
  RecordingApp app;
  for (const Case& c : cases) {
    const pb::Request req = Make(c.request);
    ASSERT_EQ(req.value_case(), c.request);
    EXPECT_EQ(Dispatch(app, req).value_case(), c.response) << RequestName(req);
  }
  EXPECT_EQ(app.calls, (std::vector<std::string>{"info", "init_chain", "query", "check_tx",
                                                 "commit", "finalize_block"}));
}

TEST(Dispatch, EchoCopiesTheMessage) {
  RecordingApp app;
  pb::Request req;
  req.mutable_echo()->set_message("ping");
  EXPECT_EQ(Dispatch(app, req).echo().message(), "ping");
  EXPECT_TRUE(app.calls.empty());
}

TEST(Dispatch, DefaultsKeepCometBftSatisfied) {
  RecordingApp app;
  pb::Request prep;
  prep.mutable_prepare_proposal()->set_max_tx_bytes(5);
  for (const char* tx : {"aa", "bbb", "c"}) prep.mutable_prepare_proposal()->add_txs(tx);
  const auto prepared = Dispatch(app, prep).prepare_proposal();
  ASSERT_EQ(prepared.txs_size(), 2);  // "aa" + "bbb" = 5 bytes; "c" would exceed
  EXPECT_EQ(Dispatch(app, Make(pb::Request::kProcessProposal)).process_proposal().status(),
            pb::ResponseProcessProposal::ACCEPT);
  EXPECT_EQ(Dispatch(app, Make(pb::Request::kVerifyVoteExtension)).verify_vote_extension().status(),
            pb::ResponseVerifyVoteExtension::ACCEPT);
}

}  // namespace
}  // namespace vinet::abci

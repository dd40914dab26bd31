// Conformance: the real `abci-cli` v0.38 client against our server and
// KvTestApp. The abci-cli binary is required; the test fails without it.
#include <gtest/gtest.h>
#include <unistd.h>

#include "unit/abci/kv_test_app.h"
#include "unit/abci/subprocess.h"
#include "vinet/abci/server.h"
#include "vinet/common/bytes.h"

namespace vinet::abci {
namespace {

using namespace std::chrono_literals;
using testing::KvTestApp;
using testing::ProcessResult;

class AbciCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cli_ = testing::FindExecutable("abci-cli");
    ASSERT_FALSE(cli_.empty()) << "abci-cli not found in PATH or ~/go/bin: run `make setup` "
                                  "(go install github.com/cometbft/cometbft/abci/cmd/"
                                  "abci-cli@v0.38.25)";
    StartServer("tcp://127.0.0.1:0");
  }

  void StartServer(const std::string& address) {
    server_ = std::make_unique<Server>(app_, ServerOptions{address});
    const Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // Runs `abci-cli --address <server> args...`, with `input` on stdin.
  ProcessResult Cli(std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> argv = {cli_, "--log_level", "error", "--address", server_->address()};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = testing::RunProcess(argv, input, 15s);
    EXPECT_FALSE(r.timed_out) << "abci-cli timed out; output:\n" << r.output;
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r;
  }

  static std::string UpperHex(const std::string& bytes) {
    std::string hex = ToHex(AsBytes(bytes));
    for (char& c : hex) c = static_cast<char>(toupper(c));
    return hex;
  }

  std::string cli_;
  KvTestApp app_;
  std::unique_ptr<Server> server_;
};

// Asserts that `needles` occur in `haystack` in this order.
void ExpectInOrder(const std::string& haystack, const std::vector<std::string>& needles) {
  size_t pos = 0;
  for (const auto& needle : needles) {
    const size_t found = haystack.find(needle, pos);
    ASSERT_NE(found, std::string::npos) << "missing (in order) '" << needle << "' in:\n"
                                        << haystack;
    pos = found + needle.size();
  }
}

TEST_F(AbciCliTest, Echo) {
  // abci-cli echoes its argument verbatim (no quote stripping, unlike tx arguments).
  ExpectInOrder(Cli({"echo", "hello abci"}).output,
                {"-> code: OK", "-> data: hello abci", "-> data.hex: 0x68656C6C6F2061626369"});
}

TEST_F(AbciCliTest, Info) {
  ExpectInOrder(Cli({"info"}).output, {"-> code: OK", "-> data: kv-test-app"});
}

TEST_F(AbciCliTest, CheckTxAcceptsAndRejects) {
  EXPECT_EQ(Cli({"check_tx", "\"k=v\""}).output.find("-> code: 1"), std::string::npos);
  ExpectInOrder(Cli({"check_tx", "\"k=v\""}).output, {"-> code: OK"});
  ExpectInOrder(Cli({"check_tx", "0x00"}).output,
                {"-> code: 1", "-> log: tx must be key=value with a non-empty key"});
}

TEST_F(AbciCliTest, FinalizeBlockCommitQuery) {
  const ProcessResult fin = Cli({"finalize_block", "\"a=1\"", "\"junk\"", "\"b=2\""});
  const ProcessResult commit = Cli({"commit"});
  ExpectInOrder(commit.output, {"-> code: OK"});
  const auto info = app_.Info({});
  const std::string hash = KvTestApp::AppHash(info.last_block_height(), {{"a", "1"}, {"b", "2"}});
  EXPECT_EQ(info.last_block_app_hash(), hash) << "Commit did not adopt the finalized state";
  ExpectInOrder(fin.output, {"-> code: OK", "-> code: 1", "-> log: tx must be key=value",
                             "-> code: OK", "-> data.hex: 0x" + UpperHex(hash)});
  ExpectInOrder(Cli({"query", "\"a\""}).output,
                {"-> code: OK", "-> log: exists", "-> key: a", "-> value: 1"});
  ExpectInOrder(Cli({"query", "\"zzz\""}).output, {"-> code: 1", "-> log: does not exist"});
}

TEST_F(AbciCliTest, PrepareAndProcessProposalDefaults) {
  ExpectInOrder(Cli({"prepare_proposal", "\"t1\"", "\"t2\""}).output,
                {"-> code: OK", "-> log: Succeeded. Tx: t1", "-> log: Succeeded. Tx: t2"});
  ExpectInOrder(Cli({"process_proposal", "\"t1\""}).output, {"-> code: OK", "-> status: ACCEPT"});
}

TEST_F(AbciCliTest, BatchScriptOnOneConnection) {
  const std::string script =
      "echo \"batch\"\n"
      "info\n"
      "check_tx \"k=v\"\n"
      "check_tx \"bad\"\n"
      "finalize_block \"k=v\" \"x=y\"\n"
      "commit\n"
      "query \"k\"\n"
      "query \"x\"\n";
  const ProcessResult r = Cli({"batch"}, script);
  const std::string hash =
      KvTestApp::AppHash(app_.Info({}).last_block_height(), {{"k", "v"}, {"x", "y"}});
  ExpectInOrder(r.output,
                {"-> data: \"batch\"", "-> data: kv-test-app", "-> code: OK", "-> code: 1",
                 "-> data.hex: 0x" + UpperHex(hash), "-> code: OK", "-> value: v", "-> value: y"});
}

TEST_F(AbciCliTest, UnixSocket) {
  server_.reset();
  const std::string path = "/tmp/vinet_abci_cli_" + std::to_string(getpid()) + ".sock";
  StartServer("unix://" + path);
  ExpectInOrder(Cli({"echo", "over unix"}).output, {"-> code: OK", "-> data: over unix"});
}

}  // namespace
}  // namespace vinet::abci

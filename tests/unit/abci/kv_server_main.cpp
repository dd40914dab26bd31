// abci_kv_server ADDRESS: serves KvTestApp on ADDRESS until SIGINT/SIGTERM.
// For manual runs with abci-cli and for the load benchmark script.
#include <csignal>
#include <iostream>
#include <thread>

#include "unit/abci/kv_test_app.h"
#include "vinet/abci/server.h"
#include "vinet/common/log.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: abci_kv_server tcp://HOST:PORT|unix:///PATH\n";
    return 2;
  }
  vinet::InitLogging("abci_kv_server", "warn");
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by server threads

  vinet::abci::testing::KvTestApp app;
  vinet::abci::Server server(app, vinet::abci::ServerOptions{argv[1]});
  if (auto s = server.Start(); !s.ok()) {
    std::cerr << "error: " << s.ToString() << "\n";
    return 1;
  }
  std::cout << server.address() << std::endl;
  int signal = 0;
  sigwait(&signals, &signal);
  server.Stop();
  return 0;
}

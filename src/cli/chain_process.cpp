#include "cli/chain_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace vinet::cli {
namespace {

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<char*> CArgs(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

Result<pid_t> SpawnDetached(const std::vector<std::string>& argv,
                            const std::filesystem::path& log) {
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Error(Code::kIo, "spawn: cannot open log " + log.string());
  auto args = CArgs(argv);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fd);
    return Error(Code::kIo, "spawn: fork failed");
  }
  if (pid == 0) {
    ::setsid();
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fd);
  return pid;
}

bool IsAlive(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  ::waitpid(pid, nullptr, WNOHANG);  // reap if it is our own exited child
  std::string stat = ReadSmallFile("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  if (stat.empty() || close == std::string::npos || close + 2 >= stat.size()) return false;
  return stat[close + 2] != 'Z';
}

bool StopProcess(pid_t pid, const std::string& marker, std::chrono::milliseconds grace) {
  if (!IsAlive(pid)) return false;
  std::string cmdline = ReadSmallFile("/proc/" + std::to_string(pid) + "/cmdline");
  if (cmdline.find(marker) == std::string::npos) return false;
  ::kill(-pid, SIGCONT);  // a stopped process cannot handle SIGTERM
  ::kill(-pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!IsAlive(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(-pid, SIGKILL);
  for (int i = 0; i < 100 && IsAlive(pid); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

Result<std::string> RunCapture(const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe(fds) != 0) return Error(Code::kIo, "run: pipe failed");
  auto args = CArgs(argv);
  pid_t pid = ::fork();
  if (pid < 0) return Error(Code::kIo, "run: fork failed");
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error(Code::kIo, "run: " + argv[0] + " failed: " + out);
  }
  return out;
}

Result<std::vector<int>> FreePorts(int count) {
  std::vector<int> socks, ports;
  Status status;
  for (int i = 0; i < count; ++i) {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      if (s >= 0) ::close(s);
      status = Error(Code::kIo, "free port: bind failed");
      break;
    }
    socks.push_back(s);
    ports.push_back(ntohs(addr.sin_port));
  }
  for (int s : socks) ::close(s);
  if (!status.ok()) return status;
  return ports;
}

Result<std::string> FindCometBft() {
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
      auto p = std::filesystem::path(dir) / "cometbft";
      if (!dir.empty() && ::access(p.c_str(), X_OK) == 0) return p.string();
    }
  }
  auto gopath = RunCapture({"go", "env", "GOPATH"});
  if (gopath.ok()) {
    std::string dir = *gopath;
    while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
    auto p = std::filesystem::path(dir) / "bin" / "cometbft";
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  return Error(Code::kNotFound,
               "cometbft not found in PATH or $(go env GOPATH)/bin; run `make setup`");
}

std::string SelfExe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("vinet") : p.string();
}

}  // namespace vinet::cli

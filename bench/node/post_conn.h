// PostConn: one keep-alive HTTP/1.1 connection that POSTs JSON bodies, for
// the load generator (bench/node/loadgen.cpp), which shares the machine's
// cores with what it measures. Per request it makes one send (request line,
// headers and body in one buffer) and as few recvs as the answer's packets
// need (a 64 KiB buffer; headers parsed in place), where cpp-httplib's client
// polls the socket before every read and writes headers and body apart.
//
// Only what the node's answers need: a status line, headers with a
// Content-Length (no chunked bodies: an answer without one is an error),
// "Connection: close" honoured. A request whose connection breaks fails
// (never resent: the caller counts an error) and the next one reconnects.
// Answers over 64 MiB are refused. Not thread-safe: one per thread.
#pragma once

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace vinet::bench {

class PostConn {
 public:
  struct Answer {
    int status = 0;  // 0: no answer (error says why)
    std::string body, error;
  };

  PostConn(std::string host, int port) : host_(std::move(host)), port_(port) {}
  ~PostConn() { Close(); }
  PostConn(const PostConn&) = delete;
  PostConn& operator=(const PostConn&) = delete;

  Answer Post(std::string_view path, std::string_view body) {
    Answer a;
    if (fd_ < 0 && !Open(&a.error)) return a;
    req_.clear();
    req_ += "POST ";
    req_ += path;
    req_ += " HTTP/1.1\r\nHost: ";
    req_ += host_;
    req_ += "\r\nContent-Type: application/json\r\nContent-Length: ";
    req_ += std::to_string(body.size());
    req_ += "\r\n\r\n";
    req_ += body;
    if (!SendAll(req_, &a.error) || !ReadAnswer(&a)) {
      Close();
      a.status = 0;
    }
    return a;
  }

 private:
  static constexpr size_t kMaxAnswer = 64u << 20;

  bool Open(std::string* error) {
    addrinfo hints{}, *res = nullptr;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (int rc = ::getaddrinfo(host_.c_str(), std::to_string(port_).c_str(), &hints, &res); rc) {
      *error = std::string("resolve ") + host_ + ": " + gai_strerror(rc);
      return false;
    }
    for (addrinfo* p = res; p; p = p->ai_next) {
      int fd = ::socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, p->ai_addr, p->ai_addrlen) == 0) {
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        fd_ = fd;
        break;
      }
      ::close(fd);
    }
    ::freeaddrinfo(res);
    if (fd_ < 0) *error = "connect " + host_ + ":" + std::to_string(port_) + " failed";
    have_ = 0;
    return fd_ >= 0;
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    have_ = 0;
  }

  bool SendAll(std::string_view data, std::string* error) {
    while (!data.empty()) {
      ssize_t w = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        *error = std::string("send: ") + std::strerror(errno);
        return false;
      }
      data.remove_prefix(static_cast<size_t>(w));
    }
    return true;
  }

  // Appends what the socket has to buf_ (grows it as needed, up to the limit).
  bool Fill(std::string* error) {
    if (buf_.size() - have_ < 16384) {
      if (buf_.size() >= kMaxAnswer) {
        *error = "answer over 64 MiB";
        return false;
      }
      buf_.resize(std::max<size_t>(65536, buf_.size() * 2));
    }
    while (true) {
      ssize_t r = ::recv(fd_, buf_.data() + have_, buf_.size() - have_, 0);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        *error = r == 0 ? "connection closed" : std::string("recv: ") + std::strerror(errno);
        return false;
      }
      have_ += static_cast<size_t>(r);
      return true;
    }
  }

  bool ReadAnswer(Answer* a) {
    size_t head_end;
    while ((head_end = std::string_view(buf_.data(), have_).find("\r\n\r\n")) ==
           std::string_view::npos) {
      if (!Fill(&a->error)) return false;
    }
    std::string_view head(buf_.data(), head_end);
    if (!head.starts_with("HTTP/1.1 ") || head.size() < 12) {
      a->error = "not an HTTP/1.1 status line";
      return false;
    }
    a->status = std::atoi(std::string(head.substr(9, 3)).c_str());
    size_t length = std::string_view::npos;
    bool close = false;
    size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos < head.size()) {
      size_t next = head.find("\r\n", pos + 2);
      std::string_view line = head.substr(
          pos + 2, next == std::string_view::npos ? std::string_view::npos : next - pos - 2);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (name == "content-length")
          length = std::strtoull(std::string(value).c_str(), nullptr, 10);
        if (name == "connection" && value.starts_with("close")) close = true;
      }
      pos = next;
    }
    if (length == std::string_view::npos || length > kMaxAnswer) {
      a->error = "answer without a Content-Length (or over 64 MiB)";
      return false;
    }
    size_t total = head_end + 4 + length;
    while (have_ < total) {
      if (total > buf_.size()) buf_.resize(total);
      if (!Fill(&a->error)) return false;
    }
    a->body.assign(buf_.data() + head_end + 4, length);
    // Bytes past this answer would be a pipelined reply: none is ever asked for.
    if (have_ > total) {
      a->error = "bytes after the answer";
      return false;
    }
    have_ = 0;
    if (close) Close();
    return true;
  }

  std::string host_;
  int port_;
  int fd_ = -1;
  std::string req_, buf_;
  size_t have_ = 0;
};

}  // namespace vinet::bench

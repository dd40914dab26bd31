// vinet's one error convention (see docs/errors.md).
//
// Every fallible function inside the libraries returns `Status` (no value) or
// `Result<T>` (a value or an error). Errors carry a machine-readable `Code`
// and a human-readable message that names what was wrong and where
// ("tx.body.nonce: expected 7, got 5"). Exceptions never cross a library
// interface; they are caught and turned into an exit code or an error reply
// only at the process boundary (CLI `main`, the ABCI server loop, HTTP
// handlers, the Python bindings).
//
// Both types are cheap values: copyable, movable, and safe to share between
// threads when not mutated.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vinet {

// Error classes. Stable numbers: they appear in ABCI result codes, CLI exit
// details and the Python SDK's typed errors.
enum class Code : int {
  kOk = 0,
  kInvalidArgument = 1,  // caller gave a value outside the contract
  kParse = 2,            // malformed bytes: CBOR, protobuf, JSON, ONNX, proofs
  kNotFound = 3,         // a named thing does not exist
  kAlreadyExists = 4,    // a unique thing exists already
  kUnauthenticated = 5,  // a signature or MAC does not verify
  kVerification = 6,     // a proof, attestation or policy check failed
  kPermission = 7,       // authenticated but not allowed
  kInsufficientFunds = 8,
  kOutOfRange = 9,  // a number or size past a limit
  kUnsupported = 10,
  kIo = 11,           // file, socket or database failure
  kUnavailable = 12,  // a peer or service did not answer; may be retried
  kTimeout = 13,
  kInternal = 14,  // a bug: an invariant did not hold
};

// Short lowercase name of a code, e.g. "parse", "not_found".
std::string_view CodeName(Code code);

// Success, or an error code with a message.
class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "parse: cbor: trailing bytes at offset 12"; "ok" when ok().
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>". No-op when ok().
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Shorthands for building errors: `return Error(Code::kParse, "…")`.
inline Status Error(Code code, std::string message) {
  return Status(code, std::move(message));
}

// A value of type T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(data_).ok() && "Result built from an OK status");
    if (std::get<Status>(data_).ok())
      data_ = Status(Code::kInternal, "Result built from OK status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  // The error; Status::Ok() when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }

  // Access the value. Precondition: ok().
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> data_;
};

// Thrown only by `ValueOrThrow` at process boundaries (CLI, bindings).
class StatusError : public std::exception {
 public:
  explicit StatusError(Status status) : status_(std::move(status)), text_(status_.ToString()) {}
  const Status& status() const { return status_; }
  const char* what() const noexcept override { return text_.c_str(); }

 private:
  Status status_;
  std::string text_;
};

// Boundary helpers: turn an error into a StatusError exception.
inline void ThrowIfError(const Status& s) {
  if (!s.ok()) throw StatusError(s);
}
template <typename T>
T ValueOrThrow(Result<T> r) {
  if (!r.ok()) throw StatusError(r.status());
  return std::move(r).value();
}

}  // namespace vinet

#define VINET_CONCAT_INNER_(a, b) a##b
#define VINET_CONCAT_(a, b) VINET_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` (a Status) is an error.
#define VINET_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::vinet::Status vinet_status_ = (expr);        \
    if (!vinet_status_.ok()) return vinet_status_; \
  } while (0)

// `VINET_ASSIGN_OR_RETURN(auto x, Parse(bytes));` binds the value or returns the error.
#define VINET_ASSIGN_OR_RETURN(lhs, expr) \
  VINET_ASSIGN_OR_RETURN_IMPL_(VINET_CONCAT_(vinet_result_, __LINE__), lhs, expr)
#define VINET_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

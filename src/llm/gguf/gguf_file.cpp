// GgufFile: the read-only mapping, lookups and typed getters. Parsing is in
// gguf_parse.cpp.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "llm/gguf/cursor.h"
#include "llm/gguf/mapping.h"
#include "vinet/llm/gguf.h"

namespace vinet::llm {

namespace gguf_internal {

std::string Quote(std::string_view s, size_t max) {
  std::string out = "'";
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    auto ch = static_cast<unsigned char>(s[i]);
    if (ch >= 0x20 && ch < 0x7f && ch != '\'' && ch != '\\')
      out += static_cast<char>(ch);
    else
      out += fmt::format("\\x{:02x}", ch);
  }
  if (s.size() > max) out += "...";
  return out + "'";
}

}  // namespace gguf_internal

using gguf_internal::Quote;

std::string_view GgufValueTypeName(GgufValueType type) {
  switch (type) {
    case GgufValueType::kUint8:
      return "uint8";
    case GgufValueType::kInt8:
      return "int8";
    case GgufValueType::kUint16:
      return "uint16";
    case GgufValueType::kInt16:
      return "int16";
    case GgufValueType::kUint32:
      return "uint32";
    case GgufValueType::kInt32:
      return "int32";
    case GgufValueType::kFloat32:
      return "float32";
    case GgufValueType::kBool:
      return "bool";
    case GgufValueType::kString:
      return "string";
    case GgufValueType::kArray:
      return "array";
    case GgufValueType::kUint64:
      return "uint64";
    case GgufValueType::kInt64:
      return "int64";
    case GgufValueType::kFloat64:
      return "float64";
  }
  return "unknown";
}

uint64_t GgufTensor::rows() const {
  uint64_t r = 1;
  for (size_t d = 1; d < dims.size(); ++d) r *= dims[d];  // bounded by the parser
  return r;
}

GgufFile::GgufFile(GgufFile&&) noexcept = default;
GgufFile& GgufFile::operator=(GgufFile&&) noexcept = default;
GgufFile::~GgufFile() = default;

Result<GgufFile> GgufFile::Open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Error(Code::kIo,
                 fmt::format("gguf: cannot open '{}': {}", path.string(), std::strerror(errno)));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return Error(Code::kIo,
                 fmt::format("gguf: cannot stat '{}': {}", path.string(), std::strerror(e)));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error(Code::kIo, fmt::format("gguf: '{}' is not a regular file", path.string()));
  }
  auto mapping = std::make_unique<Mapping>();
  mapping->len = static_cast<size_t>(st.st_size);
  if (mapping->len > 0) {
    void* p = mmap(nullptr, mapping->len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      int e = errno;
      ::close(fd);
      return Error(Code::kIo,
                   fmt::format("gguf: cannot map '{}': {}", path.string(), std::strerror(e)));
    }
    mapping->addr = p;
  }
  ::close(fd);  // the mapping keeps the file
  ByteSpan bytes(static_cast<const uint8_t*>(mapping->addr), mapping->len);
  auto parsed = Parse(bytes);
  if (!parsed.ok()) return parsed.status().WithContext(path.string());
  GgufFile f = std::move(parsed).value();
  f.mapping_ = std::move(mapping);
  return f;
}

namespace {

// Index of `name` in a sorted (name, index) vector, or -1.
int64_t Lookup(const std::vector<std::pair<std::string_view, size_t>>& index,
               std::string_view name) {
  auto it = std::lower_bound(index.begin(), index.end(), name,
                             [](const auto& e, std::string_view n) { return e.first < n; });
  if (it == index.end() || it->first != name) return -1;
  return static_cast<int64_t>(it->second);
}

}  // namespace

const GgufValue* GgufFile::Find(std::string_view key) const {
  int64_t i = Lookup(kv_index_, key);
  return i < 0 ? nullptr : &kv_[i].second;
}

const GgufTensor* GgufFile::FindTensor(std::string_view name) const {
  int64_t i = Lookup(tensor_index_, name);
  return i < 0 ? nullptr : &tensors_[i];
}

namespace {

bool IsInteger(GgufValueType t) {
  switch (t) {
    case GgufValueType::kUint8:
    case GgufValueType::kInt8:
    case GgufValueType::kUint16:
    case GgufValueType::kInt16:
    case GgufValueType::kUint32:
    case GgufValueType::kInt32:
    case GgufValueType::kUint64:
    case GgufValueType::kInt64:
      return true;
    default:
      return false;
  }
}

bool IsSigned(GgufValueType t) {
  return t == GgufValueType::kInt8 || t == GgufValueType::kInt16 || t == GgufValueType::kInt32 ||
         t == GgufValueType::kInt64;
}

Status NotFound(std::string_view key) {
  return Error(Code::kNotFound, fmt::format("gguf: no metadata key {}", Quote(key)));
}

Status WrongType(std::string_view key, const GgufValue& v, std::string_view want) {
  std::string got(GgufValueTypeName(v.type));
  if (v.type == GgufValueType::kArray)
    got = fmt::format("array of {}", GgufValueTypeName(v.array_type));
  return Error(Code::kParse,
               fmt::format("gguf: metadata {}: expected {}, got {}", Quote(key), want, got));
}

}  // namespace

Result<std::string_view> GgufFile::GetString(std::string_view key) const {
  const GgufValue* v = Find(key);
  if (!v) return NotFound(key);
  if (v->type != GgufValueType::kString) return WrongType(key, *v, "string");
  return v->str;
}

Result<uint64_t> GgufFile::GetUint(std::string_view key) const {
  const GgufValue* v = Find(key);
  if (!v) return NotFound(key);
  if (!IsInteger(v->type)) return WrongType(key, *v, "an integer");
  if (IsSigned(v->type) && v->i < 0)
    return Error(Code::kParse,
                 fmt::format("gguf: metadata {}: negative value {}", Quote(key), v->i));
  return v->u;
}

Result<double> GgufFile::GetFloat(std::string_view key) const {
  const GgufValue* v = Find(key);
  if (!v) return NotFound(key);
  if (v->type == GgufValueType::kFloat32 || v->type == GgufValueType::kFloat64) return v->f;
  if (IsInteger(v->type))
    return IsSigned(v->type) ? static_cast<double>(v->i) : static_cast<double>(v->u);
  return WrongType(key, *v, "a number");
}

Result<bool> GgufFile::GetBool(std::string_view key) const {
  const GgufValue* v = Find(key);
  if (!v) return NotFound(key);
  if (v->type != GgufValueType::kBool) return WrongType(key, *v, "bool");
  return v->u != 0;
}

Result<std::vector<std::string_view>> GgufFile::GetStringArray(std::string_view key) const {
  const GgufValue* v = Find(key);
  if (!v) return NotFound(key);
  if (v->type != GgufValueType::kArray || v->array_type != GgufValueType::kString)
    return WrongType(key, *v, "array of string");
  return v->strings;
}

Result<std::vector<float>> GgufFile::GetFloatArray(std::string_view key) const {
  const GgufValue* v = Find(key);
  if (!v) return NotFound(key);
  if (v->type != GgufValueType::kArray || v->array_type != GgufValueType::kFloat32)
    return WrongType(key, *v, "array of float32");
  std::vector<float> out(v->array_len);
  if (!out.empty()) std::memcpy(out.data(), v->array_raw.data(), out.size() * sizeof(float));
  return out;
}

Result<std::vector<int64_t>> GgufFile::GetIntArray(std::string_view key) const {
  const GgufValue* v = Find(key);
  if (!v) return NotFound(key);
  if (v->type != GgufValueType::kArray || !IsInteger(v->array_type))
    return WrongType(key, *v, "array of integers");
  std::vector<int64_t> out(v->array_len);
  const uint8_t* p = v->array_raw.data();
  for (uint64_t k = 0; k < v->array_len; ++k) {
    auto load = [&](auto x) {
      std::memcpy(&x, p + k * sizeof(x), sizeof(x));
      return x;
    };
    switch (v->array_type) {
      case GgufValueType::kUint8:
        out[k] = load(uint8_t{});
        break;
      case GgufValueType::kInt8:
        out[k] = load(int8_t{});
        break;
      case GgufValueType::kUint16:
        out[k] = load(uint16_t{});
        break;
      case GgufValueType::kInt16:
        out[k] = load(int16_t{});
        break;
      case GgufValueType::kUint32:
        out[k] = load(uint32_t{});
        break;
      case GgufValueType::kInt32:
        out[k] = load(int32_t{});
        break;
      case GgufValueType::kInt64:
        out[k] = load(int64_t{});
        break;
      case GgufValueType::kUint64: {
        uint64_t x = load(uint64_t{});
        if (x > static_cast<uint64_t>(INT64_MAX))
          return Error(Code::kParse, fmt::format("gguf: metadata {}: element {} = {} exceeds 2^63",
                                                 Quote(key), k, x));
        out[k] = static_cast<int64_t>(x);
        break;
      }
      default:
        return WrongType(key, *v, "array of integers");
    }
  }
  return out;
}

crypto::Digest256 GgufFile::ModelId() const {
  return crypto::Sha256(bytes_);
}

}  // namespace vinet::llm

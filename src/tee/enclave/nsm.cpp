#include "vinet/tee/nsm.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "vinet/cbor/cbor.h"

namespace vinet::tee {
namespace {

// The driver's message: two iovecs, request in, response out.
struct NsmMessage {
  struct iovec request;
  struct iovec response;
};
constexpr unsigned long kNsmIoctl = _IOWR(0x0A, 0, NsmMessage);

Status NsmParse(std::string what) {
  return Error(Code::kParse, "nsm: " + std::move(what));
}

void WriteOptional(cbor::Writer& w, std::string_view key, const std::optional<Bytes>& v) {
  w.Text(key);
  if (v) {
    w.Bstr(*v);
  } else {
    w.Null();
  }
}

// The single entry of a response map, with "Error" turned into a status.
Result<const cbor::Value*> Body(const cbor::Value& root, std::string_view expected) {
  if (root.type != cbor::Type::kMap || root.map_size() != 1 ||
      root.key(0).type != cbor::Type::kText) {
    return NsmParse("response is not a one-entry map with a text key");
  }
  if (root.key(0).text() == "Error") {
    std::string code =
        root.value(0).type == cbor::Type::kText ? std::string(root.value(0).text()) : "?";
    return Error(Code::kUnavailable, "nsm: error " + code);
  }
  if (root.key(0).text() != expected) {
    return NsmParse("expected a " + std::string(expected) + " response, got " +
                    std::string(root.key(0).text()));
  }
  if (root.value(0).type != cbor::Type::kMap)
    return NsmParse(std::string(expected) + " body is not a map");
  return &root.value(0);
}

Result<uint16_t> U16(const cbor::Value& body, std::string_view key) {
  const cbor::Value* v = body.Find(key);
  if (v == nullptr || v->type != cbor::Type::kUnsigned || v->uint > 0xffff) {
    return NsmParse(std::string(key) + " missing or not a u16");
  }
  return static_cast<uint16_t>(v->uint);
}

Result<std::string> Text(const cbor::Value& body, std::string_view key) {
  const cbor::Value* v = body.Find(key);
  if (v == nullptr || v->type != cbor::Type::kText)
    return NsmParse(std::string(key) + " missing or not text");
  return std::string(v->text());
}

}  // namespace

Bytes EncodeNsmAttestationRequest(const AttestationRequest& request) {
  cbor::Writer w;
  w.Map(1).Text("Attestation").Map(3);
  WriteOptional(w, "user_data", request.user_data);
  WriteOptional(w, "nonce", request.nonce);
  WriteOptional(w, "public_key", request.public_key);
  return std::move(w).bytes();
}

Bytes EncodeNsmDescribeRequest() {
  cbor::Writer w;
  w.Text("DescribeNSM");
  return std::move(w).bytes();
}

Result<Bytes> DecodeNsmAttestationResponse(ByteSpan response) {
  VINET_ASSIGN_OR_RETURN(cbor::Value root, cbor::Decode(response));
  VINET_ASSIGN_OR_RETURN(const cbor::Value* body, Body(root, "Attestation"));
  const cbor::Value* doc = body->Find("document");
  if (doc == nullptr || doc->type != cbor::Type::kBytes || doc->str.empty()) {
    return NsmParse("Attestation.document missing or not a non-empty bstr");
  }
  return Bytes(doc->str.begin(), doc->str.end());
}

Result<NsmDescription> DecodeNsmDescribeResponse(ByteSpan response) {
  VINET_ASSIGN_OR_RETURN(cbor::Value root, cbor::Decode(response));
  VINET_ASSIGN_OR_RETURN(const cbor::Value* body, Body(root, "DescribeNSM"));
  NsmDescription d;
  VINET_ASSIGN_OR_RETURN(d.version_major, U16(*body, "version_major"));
  VINET_ASSIGN_OR_RETURN(d.version_minor, U16(*body, "version_minor"));
  VINET_ASSIGN_OR_RETURN(d.version_patch, U16(*body, "version_patch"));
  VINET_ASSIGN_OR_RETURN(d.module_id, Text(*body, "module_id"));
  VINET_ASSIGN_OR_RETURN(d.max_pcrs, U16(*body, "max_pcrs"));
  VINET_ASSIGN_OR_RETURN(d.digest, Text(*body, "digest"));
  return d;
}

Result<std::unique_ptr<NitroProvider>> NitroProvider::Open(const std::filesystem::path& device) {
  int fd = ::open(device.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return Error(Code::kIo, "nsm: cannot open " + device.string() + ": " + std::strerror(errno));
  return std::unique_ptr<NitroProvider>(new NitroProvider(fd));
}

NitroProvider::~NitroProvider() {
  ::close(fd_);
}

Result<Bytes> NitroProvider::Exchange(ByteSpan request) {
  std::lock_guard<std::mutex> lock(mu_);
  Bytes req(request.begin(), request.end());
  Bytes resp(kNsmResponseMaxBytes);
  NsmMessage msg{{req.data(), req.size()}, {resp.data(), resp.size()}};
  if (::ioctl(fd_, kNsmIoctl, &msg) < 0) {
    return Error(Code::kIo, std::string("nsm: ioctl failed: ") + std::strerror(errno));
  }
  if (msg.response.iov_len > resp.size()) return NsmParse("response longer than the buffer");
  resp.resize(msg.response.iov_len);
  return resp;
}

Result<Bytes> NitroProvider::Attest(const AttestationRequest& request) {
  VINET_RETURN_IF_ERROR(CheckAttestationRequest(request));
  VINET_ASSIGN_OR_RETURN(Bytes resp, Exchange(EncodeNsmAttestationRequest(request)));
  return DecodeNsmAttestationResponse(resp);
}

Result<NsmDescription> NitroProvider::Describe() {
  VINET_ASSIGN_OR_RETURN(Bytes resp, Exchange(EncodeNsmDescribeRequest()));
  return DecodeNsmDescribeResponse(resp);
}

}  // namespace vinet::tee

// QuantizedModel::Decode: the strict inverse of CanonicalEncoding.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "vinet/runtime/quantized.h"

namespace vinet::runtime {
namespace {

constexpr size_t kMaxCount = size_t{1} << 28;

class Reader {
 public:
  explicit Reader(ByteSpan b) : b_(b) {}

  size_t offset() const { return pos_; }
  bool done() const { return pos_ == b_.size(); }

  Status Fail(const std::string& field) const {
    return Error(Code::kParse, fmt::format("qmodel: {} at byte offset {}", field, pos_));
  }
  Result<uint32_t> U32(const std::string& field) {
    if (b_.size() - pos_ < 4) return Fail(field + ": truncated");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | b_[pos_++];
    return v;
  }
  Result<int64_t> I64(const std::string& field) {
    if (b_.size() - pos_ < 8) return Fail(field + ": truncated");
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | b_[pos_++];
    return static_cast<int64_t>(v);
  }
  Result<float> F32(const std::string& field) {
    VINET_ASSIGN_OR_RETURN(uint32_t bits, U32(field));
    float f = std::bit_cast<float>(bits);
    if (!std::isfinite(f)) return Fail(field + ": not a finite float");
    return f;
  }
  Result<std::string> Str(const std::string& field) {
    VINET_ASSIGN_OR_RETURN(uint32_t n, U32(field + " length"));
    if (b_.size() - pos_ < n)
      return Fail(field + ": length " + std::to_string(n) + " past the end");
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  Result<std::vector<int64_t>> Ints(const std::string& field) {
    VINET_ASSIGN_OR_RETURN(uint32_t n, U32(field + " count"));
    if (n > (b_.size() - pos_) / 8)
      return Fail(field + ": count " + std::to_string(n) + " past the end");
    std::vector<int64_t> v(n);
    for (auto& x : v) {
      VINET_ASSIGN_OR_RETURN(x, I64(field));
    }
    return v;
  }
  Result<std::vector<int8_t>> Raw(size_t n, const std::string& field) {
    if (b_.size() - pos_ < n) return Fail(field + ": " + std::to_string(n) + " bytes past the end");
    std::vector<int8_t> v(reinterpret_cast<const int8_t*>(b_.data() + pos_),
                          reinterpret_cast<const int8_t*>(b_.data() + pos_ + n));
    pos_ += n;
    return v;
  }

 private:
  ByteSpan b_;
  size_t pos_ = 0;
};

Result<QOp> ParseQOp(const std::string& name) {
  for (QOp op : {QOp::kLinear, QOp::kConv, QOp::kRelu, QOp::kMaxPool, QOp::kAveragePool,
                 QOp::kGlobalAveragePool, QOp::kReshape, QOp::kAdd}) {
    if (QOpName(op) == name) return op;
  }
  return Error(Code::kParse, "unknown layer op '" + name + "'");
}

Result<OpType> ParseOpType(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(OpType::kSqrt); ++i) {
    if (OpTypeName(static_cast<OpType>(i)) == name) return static_cast<OpType>(i);
  }
  return Error(Code::kParse, "unknown source op '" + name + "'");
}

Result<Shape> ReadShape(Reader& r, const std::string& field) {
  VINET_ASSIGN_OR_RETURN(Shape s, r.Ints(field));
  if (!CheckedNumElements(s, int64_t{1} << 31)) return r.Fail(field + ": negative or huge dims");
  return s;
}

}  // namespace

Result<QuantizedModel> QuantizedModel::Decode(ByteSpan bytes) {
  Reader r(bytes);
  QuantizedModel q;
  VINET_ASSIGN_OR_RETURN(std::string domain, r.Str("domain"));
  if (domain != "vinet.qmodel.v1") return r.Fail("domain: expected vinet.qmodel.v1");
  VINET_ASSIGN_OR_RETURN(uint32_t nt, r.U32("tensor count"));
  if (nt == 0 || nt > kMaxCount || nt > bytes.size()) return r.Fail("tensor count out of range");
  for (uint32_t i = 0; i < nt; ++i) {
    QTensor t;
    VINET_ASSIGN_OR_RETURN(t.name, r.Str("tensor name"));
    VINET_ASSIGN_OR_RETURN(t.shape, ReadShape(r, "tensor shape"));
    VINET_ASSIGN_OR_RETURN(t.scale, r.F32("tensor scale"));
    if (!(t.scale > 0.0f)) return r.Fail("tensor scale must be positive");
    q.tensors_.push_back(std::move(t));
  }
  VINET_ASSIGN_OR_RETURN(uint32_t input, r.U32("input id"));
  VINET_ASSIGN_OR_RETURN(uint32_t output, r.U32("output id"));
  if (input >= nt || output >= nt) return r.Fail("input/output id out of range");
  q.input_ = static_cast<int>(input);
  q.output_ = static_cast<int>(output);
  std::vector<bool> defined(nt, false);
  defined[input] = true;
  VINET_ASSIGN_OR_RETURN(uint32_t nl, r.U32("layer count"));
  if (nl > kMaxCount || nl > bytes.size()) return r.Fail("layer count out of range");
  for (uint32_t i = 0; i < nl; ++i) {
    QLayer l;
    std::string at = fmt::format("layer {}", i);
    VINET_ASSIGN_OR_RETURN(std::string op, r.Str(at + " op"));
    auto qop = ParseQOp(op);
    if (!qop.ok()) return r.Fail(at + ": " + qop.status().message());
    l.op = *qop;
    VINET_ASSIGN_OR_RETURN(std::string src, r.Str(at + " source op"));
    auto sop = ParseOpType(src);
    if (!sop.ok()) return r.Fail(at + ": " + sop.status().message());
    l.source_op = *sop;
    VINET_ASSIGN_OR_RETURN(l.name, r.Str(at + " name"));
    VINET_ASSIGN_OR_RETURN(uint32_t nin, r.U32(at + " input count"));
    if (nin != (l.op == QOp::kAdd ? 2u : 1u)) return r.Fail(at + ": wrong input count");
    for (uint32_t k = 0; k < nin; ++k) {
      VINET_ASSIGN_OR_RETURN(uint32_t id, r.U32(at + " input id"));
      if (id >= nt || !defined[id])
        return r.Fail(at + ": input id is not defined before the layer");
      l.inputs.push_back(static_cast<int>(id));
    }
    VINET_ASSIGN_OR_RETURN(uint32_t out, r.U32(at + " output id"));
    if (out >= nt || defined[out]) return r.Fail(at + ": output id out of range or defined twice");
    defined[out] = true;
    l.output = static_cast<int>(out);
    VINET_ASSIGN_OR_RETURN(l.weight.shape, ReadShape(r, at + " weight shape"));
    bool weighted = l.op == QOp::kLinear || l.op == QOp::kConv;
    size_t wn = static_cast<size_t>(NumElements(l.weight.shape));
    if (weighted != !l.weight.shape.empty() ||
        (weighted && l.weight.shape.size() != (l.op == QOp::kLinear ? 2u : 4u))) {
      return r.Fail(at + ": weight shape does not fit the op");
    }
    if (!weighted) wn = 0;
    for (int64_t d : l.weight.shape) {
      if (d < 1) return r.Fail(at + ": weight dims must be positive");
    }
    VINET_ASSIGN_OR_RETURN(l.weight.data, r.Raw(wn, at + " weights"));
    for (int8_t w : l.weight.data) {
      if (w < kQMin) return r.Fail(at + ": weight -128 is outside [-127, 127]");
    }
    VINET_ASSIGN_OR_RETURN(l.weight_scale, r.F32(at + " weight scale"));
    VINET_ASSIGN_OR_RETURN(std::vector<int64_t> bias, r.Ints(at + " bias"));
    for (int64_t b : bias) {
      if (b < std::numeric_limits<int32_t>::min() || b > std::numeric_limits<int32_t>::max()) {
        return r.Fail(at + ": bias outside int32");
      }
      l.bias.push_back(static_cast<int32_t>(b));
    }
    int64_t n_out = !weighted ? 0 : (l.op == QOp::kLinear ? l.weight.shape[1] : l.weight.shape[0]);
    if (!l.bias.empty() && static_cast<int64_t>(l.bias.size()) != n_out)
      return r.Fail(at + ": bias size");
    VINET_ASSIGN_OR_RETURN(l.multiplier, r.I64(at + " multiplier"));
    VINET_ASSIGN_OR_RETURN(l.multiplier_b, r.I64(at + " multiplier_b"));
    VINET_ASSIGN_OR_RETURN(int64_t shift, r.I64(at + " shift"));
    bool requant = weighted || l.op == QOp::kAdd || l.op == QOp::kAveragePool ||
                   l.op == QOp::kGlobalAveragePool;
    if (requant ? (shift < 1 || shift > 62) : shift != 0)
      return r.Fail(at + ": shift out of range");
    if (l.multiplier < 0 || l.multiplier >= (int64_t{1} << 16) || l.multiplier_b < 0 ||
        l.multiplier_b >= (int64_t{1} << 16)) {
      return r.Fail(at + ": multiplier out of range");
    }
    l.shift = static_cast<int>(shift);
    Attrs& a = l.attrs;
    VINET_ASSIGN_OR_RETURN(a.kernel, r.Ints(at + " kernel"));
    VINET_ASSIGN_OR_RETURN(a.strides, r.Ints(at + " strides"));
    VINET_ASSIGN_OR_RETURN(a.pads, r.Ints(at + " pads"));
    VINET_ASSIGN_OR_RETURN(a.dilations, r.Ints(at + " dilations"));
    VINET_ASSIGN_OR_RETURN(a.group, r.I64(at + " group"));
    VINET_ASSIGN_OR_RETURN(int64_t ceil, r.I64(at + " ceil_mode"));
    VINET_ASSIGN_OR_RETURN(int64_t cip, r.I64(at + " count_include_pad"));
    VINET_ASSIGN_OR_RETURN(a.axis, r.I64(at + " axis"));
    VINET_ASSIGN_OR_RETURN(a.shape, r.Ints(at + " reshape target"));
    VINET_ASSIGN_OR_RETURN(int64_t az, r.I64(at + " allowzero"));
    if ((ceil | cip | az) & ~int64_t{1}) return r.Fail(at + ": boolean field not 0/1");
    if (a.group < 1) return r.Fail(at + ": group must be positive");
    a.ceil_mode = ceil != 0;
    a.count_include_pad = cip != 0;
    a.allowzero = az != 0;
    q.layers_.push_back(std::move(l));
  }
  if (!r.done()) return r.Fail("trailing bytes");
  if (!defined[output]) return Error(Code::kParse, "qmodel: output tensor is never produced");
  // Bounds for the prover, recomputed rather than trusted.
  for (QLayer& l : q.layers_) {
    if (l.op == QOp::kLinear || l.op == QOp::kConv) {
      int64_t n_out = l.op == QOp::kLinear ? l.weight.shape[1] : l.weight.shape[0];
      int64_t per = n_out ? NumElements(l.weight.shape) / n_out : 0;
      for (int64_t o = 0; o < n_out; ++o) {
        int64_t s = 0;
        for (int64_t j = 0; j < per; ++j) {
          s += std::abs(int64_t{l.weight.data[l.op == QOp::kLinear ? j * n_out + o : o * per + j]});
        }
        l.max_abs_accumulator = std::max(
            l.max_abs_accumulator, 127 * s + (l.bias.empty() ? 0 : std::abs(int64_t{l.bias[o]})));
      }
      if (l.max_abs_accumulator >= (int64_t{1} << 31))
        return Error(Code::kParse,
                     "qmodel: layer '" + l.name + "' accumulator could overflow int32");
    } else if (l.op == QOp::kAdd) {
      l.max_abs_accumulator = 127 * (l.multiplier + l.multiplier_b);
    } else if (l.op == QOp::kAveragePool || l.op == QOp::kGlobalAveragePool) {
      const Shape& xs = q.tensors_[l.inputs[0]].shape;
      Shape win = l.op == QOp::kAveragePool ? l.attrs.kernel
                                            : (xs.size() == 4 ? Shape{xs[2], xs[3]} : Shape{});
      auto window = CheckedNumElements(win, int64_t{1} << 40);
      if (!window)
        return Error(Code::kParse, "qmodel: layer '" + l.name + "' pooling window is too large");
      l.max_abs_accumulator = 127 * *window;
    }
  }
  return q;
}

}  // namespace vinet::runtime

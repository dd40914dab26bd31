#include "vinet/zkml/spec.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "runtime/op_geometry.h"
#include "zkml/gather.h"

namespace vinet::zkml {

using runtime::QLayer;
using runtime::QOp;
using zk::ByteReader;
using zk::ByteWriter;

size_t CeilLog2(uint64_t n) {
  return n <= 1 ? 0 : 64 - std::countl_zero(n - 1);
}

namespace {

size_t Elements(const std::vector<int64_t>& shape) {
  size_t n = 1;
  for (int64_t d : shape) {
    n = d > 0 && n > (size_t{1} << 40) / static_cast<size_t>(d) ? (size_t{1} << 40)
                                                                : n * static_cast<size_t>(d);
  }
  return n;
}

void EncodeShape(ByteWriter& w, const std::vector<int64_t>& shape) {
  w.U32(static_cast<uint32_t>(shape.size()));
  for (int64_t d : shape) w.U64(static_cast<uint64_t>(d));
}

Result<std::vector<int64_t>> ParseShape(ByteReader& r, std::string_view field) {
  VINET_ASSIGN_OR_RETURN(uint32_t rank, r.Count(field, 8));
  std::vector<int64_t> shape(rank);
  for (auto& d : shape) {
    size_t at = r.offset();
    VINET_ASSIGN_OR_RETURN(uint64_t v, r.U64(field));
    if (v == 0 || v > kMaxDim) {
      return Error(Code::kParse,
                   fmt::format("{} at byte {}: dimension {} outside 1..2^24", field, at, v));
    }
    d = static_cast<int64_t>(v);
  }
  if (Elements(shape) > kMaxDim) {
    return Error(Code::kParse, fmt::format("{}: more than 2^24 elements", field));
  }
  return shape;
}

Result<float> ParseScale(ByteReader& r, std::string_view field) {
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(uint32_t bits, r.U32(field));
  float f = std::bit_cast<float>(bits);
  if (!std::isfinite(f) || f <= 0.0f) {
    return Error(Code::kParse,
                 fmt::format("{} at byte {}: not a positive finite scale", field, at));
  }
  return f;
}

Status Unsupported(const QLayer& l, std::string_view why) {
  return Error(Code::kUnsupported,
               fmt::format("layer '{}' ({}): {}", l.name, runtime::QOpName(l.op), why));
}

// Tensor id -> where its data comes from: -1 the model input, b >= 0 block b.
struct Sources {
  std::map<int, int> of;
  std::map<int, int> uses;
};

// First output index o in 0..outs whose window taps o·stride − pad + t·dil
// (t < taps) all miss 0..size−1, or -1. A pooling window touches the input iff
// both its row and its column do, so rows and columns are checked apart:
// O(outs·taps) per axis.
int64_t FirstPaddingOnlyOutput(uint32_t outs, uint32_t stride, uint32_t pad, uint32_t taps,
                               uint32_t dil, uint32_t size) {
  for (int64_t o = 0; o < outs; ++o) {
    bool touches = false;
    for (int64_t t = 0; t < taps && !touches; ++t) {
      int64_t at = o * stride - int64_t{pad} + t * dil;
      touches = at >= 0 && at < size;
    }
    if (!touches) return o;
  }
  return -1;
}

// A pooling window lying entirely in the padding has no input element: the
// runtime's max-pool would output −127 and its average pool divides by zero
// (or averages padding), while the circuit's rows there are 0. Refused.
Status CheckPoolWindowsTouchInput(const Window& w) {
  int64_t r = FirstPaddingOnlyOutput(w.oh, w.sh, w.pt, w.kh, w.dh, w.h);
  int64_t c = FirstPaddingOnlyOutput(w.ow, w.sw, w.pl, w.kw, w.dw, w.w);
  if (r < 0 && c < 0) return Status();
  return Error(Code::kParse,
               fmt::format("window: pooling window {}x{} at output (oh {}, ow {}) lies entirely "
                           "in the padding",
                           w.kh, w.kw, r < 0 ? 0 : r, c < 0 ? 0 : c));
}

// Geometry sanity shared by Parse and SpecFromModel: sizes consistent and
// every gather bounded (the verifier's work is a function of the key).
Status ValidateWindow(const LinearBlock& b) {
  const Window& w = b.win;
  for (uint32_t v : {w.c, w.h, w.w, w.oc, w.kh, w.kw, w.sh, w.sw, w.dh, w.dw, w.oh, w.ow}) {
    if (v < 1 || v > kMaxGeomDim) return Error(Code::kParse, "window: dimension outside 1..4096");
  }
  for (uint32_t v : {w.pt, w.pl, w.pb, w.pr}) {
    if (v > kMaxGeomDim) return Error(Code::kParse, "window: padding above 4096");
  }
  uint64_t in = uint64_t{w.c} * w.h * w.w, out = uint64_t{w.oc} * w.oh * w.ow;
  uint64_t work = uint64_t{w.kh} * w.kw * w.oh * w.ow * w.c;  // gather entries, at most
  if (in != b.in_size || out != b.out_size || in > kMaxDim || out > kMaxDim || work > kMaxDim) {
    return Error(Code::kParse, "window: sizes inconsistent or above 2^24");
  }
  if (b.kind != BlockKind::kConv && w.oc != w.c) {
    return Error(Code::kParse, "window: a pool keeps its channels");
  }
  if (b.kind == BlockKind::kMaxPool && (w.kh * w.kw > kMaxWindow || w.kh * w.kw < 2)) {
    return Error(Code::kParse, "window: max-pool window outside 2..64");
  }
  if (b.kind == BlockKind::kMaxPool || b.kind == BlockKind::kAvgPool) {
    VINET_RETURN_IF_ERROR(CheckPoolWindowsTouchInput(w));
  }
  return Status();
}

// Checks the field and clamp-table bounds of a requantizing layer: |acc|
// (acc already multiplied by the folded multipliers when M = 1) up to
// `max_acc`, identity multiplier `mult`, shift `shift`.
Status CheckRequantBounds(const QLayer& l, int64_t max_acc, int64_t mult, int shift,
                          ModelCircuit& c) {
  if (mult < 1 || mult > (int64_t{1} << 16) || shift < 1 || shift > kMaxShift) {
    return Unsupported(l, fmt::format("requantization M={} s={} outside M in 1..2^16, s in 1..{}",
                                      mult, shift, kMaxShift));
  }
  // Keep |acc·M + 2^s| far below p/2 (the field must not wrap).
  __int128 bound = static_cast<__int128>(max_acc) * mult + (static_cast<__int128>(1) << shift);
  if (bound >= (static_cast<__int128>(1) << 62)) {
    return Unsupported(l, "accumulator bound |acc|·M + 2^s reaches 2^62");
  }
  // |q'| <= |acc|·M / 2^s + 1: the clamp table must hold [−2^(b−1), 2^(b−1)).
  int64_t qmax = static_cast<int64_t>((static_cast<__int128>(max_acc) * mult) >> shift) + 1;
  uint32_t bits = static_cast<uint32_t>(CeilLog2(static_cast<uint64_t>(qmax) + 1)) + 1;
  if (bits > kMaxClampBits) {
    return Unsupported(l, fmt::format("pre-clamp values up to {} need a clamp table above 2^{}",
                                      qmax, kMaxClampBits));
  }
  c.spec.clamp_bits = std::max(c.spec.clamp_bits, bits);
  return Status();
}

Result<int32_t> SourceOf(const QLayer& l, int tensor, const Sources& src) {
  auto it = src.of.find(tensor);
  if (it == src.of.end()) return Unsupported(l, "its input is not produced by a provable layer");
  return it->second;
}

void Push(const QLayer& l, size_t li, LinearBlock b, Sources& src, ModelCircuit& c) {
  c.spec.blocks.push_back(b);
  c.linear_layer.push_back(li);
  src.of[l.output] = static_cast<int>(c.spec.blocks.size() - 1);
}

Status AddLinear(const runtime::QuantizedModel& m, size_t li, Sources& src, ModelCircuit& c) {
  const QLayer& l = m.layers()[li];
  VINET_ASSIGN_OR_RETURN(int32_t in, SourceOf(l, l.inputs[0], src));
  if (l.weight.shape.size() != 2) return Unsupported(l, "weight is not 2-D");
  int64_t k = l.weight.shape[0], n = l.weight.shape[1];
  size_t in_numel = Elements(m.tensors()[l.inputs[0]].shape);
  if (static_cast<int64_t>(in_numel) != k) {
    return Unsupported(l, "input rows other than one (batched MatMul) are not supported");
  }
  VINET_RETURN_IF_ERROR(CheckRequantBounds(l, l.max_abs_accumulator, l.multiplier, l.shift, c));
  LinearBlock b;
  b.in_size = static_cast<uint32_t>(k);
  b.out_size = static_cast<uint32_t>(n);
  b.input = in;
  b.multiplier = l.multiplier;
  b.shift = static_cast<uint32_t>(l.shift);
  Push(l, li, b, src, c);
  return Status();
}

Result<Window> WindowOf(const runtime::QuantizedModel& m, const QLayer& l) {
  const runtime::Shape& x = m.tensors()[l.inputs[0]].shape;
  if (x.size() != 4) return Unsupported(l, "only NCHW 2-D windows");
  runtime::Shape x1 = x;
  x1[0] = 1;
  runtime::detail::WindowGeom g;
  if (l.op == QOp::kGlobalAveragePool) {
    g.n = 1, g.c = x[1], g.h = x[2], g.w = x[3], g.kh = g.h, g.kw = g.w, g.oh = 1, g.ow = 1;
  } else {
    auto geo = l.op == QOp::kConv ? runtime::detail::ConvGeometry(l.attrs, x1, l.weight.shape)
                                  : runtime::detail::PoolGeometry(l.attrs, x1);
    if (!geo.ok()) return Unsupported(l, geo.status().message());
    g = *geo;
  }
  if (l.op == QOp::kConv && g.group != 1) {
    return Unsupported(l, fmt::format("group {} (only 1 is proved)", g.group));
  }
  for (int64_t v : {g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.oh, g.ow}) {
    if (v < 1 || v > kMaxGeomDim) return Unsupported(l, "a window dimension outside 1..4096");
  }
  for (int64_t v : {g.pt, g.pl, g.pb, g.pr}) {
    if (v < 0 || v > kMaxGeomDim) return Unsupported(l, "a padding outside 0..4096");
  }
  auto u = [](int64_t v) { return static_cast<uint32_t>(v); };
  Window w;
  w.c = u(g.c), w.h = u(g.h), w.w = u(g.w);
  w.oc = l.op == QOp::kConv ? u(g.oc) : u(g.c);
  w.kh = u(g.kh), w.kw = u(g.kw), w.sh = u(g.sh), w.sw = u(g.sw), w.dh = u(g.dh), w.dw = u(g.dw);
  w.pt = u(g.pt), w.pl = u(g.pl), w.pb = u(g.pb), w.pr = u(g.pr), w.oh = u(g.oh), w.ow = u(g.ow);
  w.count_include_pad = l.op == QOp::kAveragePool && l.attrs.count_include_pad;
  return w;
}

Status AddWindowed(const runtime::QuantizedModel& m, size_t li, Sources& src, ModelCircuit& c) {
  const QLayer& l = m.layers()[li];
  VINET_ASSIGN_OR_RETURN(int32_t in, SourceOf(l, l.inputs[0], src));
  VINET_ASSIGN_OR_RETURN(Window w, WindowOf(m, l));
  Storage st = c.spec.StorageOf(in);
  if (st.channels != w.c || st.positions != w.h * w.w) {
    return Unsupported(l, "its input is a reshaped tensor (not the C×H×W output of a layer)");
  }
  LinearBlock b;
  b.input = in;
  b.win = w;
  b.in_size = w.c * w.h * w.w;
  b.out_size = w.oc * w.oh * w.ow;
  if (l.op == QOp::kConv) {
    b.kind = BlockKind::kConv;
    b.multiplier = l.multiplier;
    b.shift = static_cast<uint32_t>(l.shift);
    VINET_RETURN_IF_ERROR(CheckRequantBounds(l, l.max_abs_accumulator, l.multiplier, l.shift, c));
  } else if (l.op == QOp::kMaxPool) {
    b.kind = BlockKind::kMaxPool;
    if (w.kh * w.kw > kMaxWindow || w.kh * w.kw < 2) {
      return Unsupported(l,
                         fmt::format("max-pool window of {} elements (2..64 proved)", w.kh * w.kw));
    }
  } else {
    b.kind = BlockKind::kAvgPool;
    b.multiplier = 1;
    b.shift = static_cast<uint32_t>(l.shift);
    // acc = M_k·Σ window with at most k summands of |x| <= 127 and
    // M_k = floor((2^s + k/2)/k), so k·M_k <= 2^s + k/2: |acc| <= 127·(2^s + kh·kw/2).
    if (l.shift > 40) return Unsupported(l, "pool shift above 40");
    int64_t max_acc = int64_t{127} * ((int64_t{1} << l.shift) + int64_t{w.kh} * w.kw / 2);
    VINET_RETURN_IF_ERROR(CheckRequantBounds(l, max_acc, 1, l.shift, c));
  }
  Push(l, li, b, src, c);
  if (Status g = ValidateWindow(c.spec.blocks.back()); !g.ok()) {
    return Unsupported(l, g.message());
  }
  return Status();
}

Status AddAdd(const runtime::QuantizedModel& m, size_t li, Sources& src, ModelCircuit& c) {
  const QLayer& l = m.layers()[li];
  VINET_ASSIGN_OR_RETURN(int32_t a, SourceOf(l, l.inputs[0], src));
  VINET_ASSIGN_OR_RETURN(int32_t b2, SourceOf(l, l.inputs[1], src));
  if (!(c.spec.StorageOf(a) == c.spec.StorageOf(b2))) {
    return Unsupported(l, "its two inputs are stored in different layouts (a reshape)");
  }
  if (l.multiplier < 0 || l.multiplier > (int64_t{1} << 16) || l.multiplier_b < 0 ||
      l.multiplier_b > (int64_t{1} << 16)) {
    return Unsupported(l, "multipliers outside 0..2^16");
  }
  VINET_RETURN_IF_ERROR(CheckRequantBounds(l, l.max_abs_accumulator, 1, l.shift, c));
  LinearBlock b;
  b.kind = BlockKind::kAdd;
  b.input = a;
  b.input_b = b2;
  b.in_size = b.out_size = static_cast<uint32_t>(Elements(m.tensors()[l.output].shape));
  b.multiplier = l.multiplier;
  b.multiplier_b = l.multiplier_b;
  b.shift = static_cast<uint32_t>(l.shift);
  Push(l, li, b, src, c);
  return Status();
}

Status AddRelu(const runtime::QuantizedModel& m, const QLayer& l, Sources& src, ModelCircuit& c) {
  auto it = src.of.find(l.inputs[0]);
  if (it == src.of.end() || it->second < 0 || !c.spec.blocks[it->second].requantizes()) {
    return Unsupported(l, "ReLU is provable only right after Gemm/MatMul/Conv/pooling/Add");
  }
  LinearBlock& b = c.spec.blocks[it->second];
  // The ReLU must read the layer's own output (not a reshaped alias that
  // other layers could also read unrectified) and be its only reader.
  bool own = m.layers()[c.linear_layer[it->second]].output == l.inputs[0];
  bool sole_use = own && src.uses[l.inputs[0]] == 1 && l.inputs[0] != m.output();
  if (b.relu || !sole_use) {
    return Unsupported(l, "ReLU must be the only consumer of the layer it follows");
  }
  b.relu = true;
  src.of[l.output] = it->second;
  return Status();
}

}  // namespace

size_t Storage::clog() const {
  return CeilLog2(channels);
}
size_t Storage::plog() const {
  return CeilLog2(positions);
}
bool Storage::flat() const {
  return channels == 1 || positions == (uint32_t{1} << plog());
}
size_t Storage::Index(size_t i) const {
  return ((i / positions) << plog()) + i % positions;
}

Storage ModelSpec::StorageOf(int32_t src) const {
  if (src < 0) {
    if (input_shape.size() == 4) {
      return {static_cast<uint32_t>(input_shape[1]),
              static_cast<uint32_t>(input_shape[2] * input_shape[3])};
    }
    return {1, static_cast<uint32_t>(input_size())};
  }
  const LinearBlock& b = blocks[src];
  switch (b.kind) {
    case BlockKind::kLinear:
      return {1, b.out_size};
    case BlockKind::kAdd:
      return StorageOf(b.input);
    default:
      return {b.win.oc, b.win.oh * b.win.ow};
  }
}

size_t ModelSpec::input_size() const {
  return Elements(input_shape);
}
size_t ModelSpec::output_size() const {
  return Elements(output_shape);
}

Status ModelSpec::Validate() const {
  if (blocks.empty()) return Error(Code::kUnsupported, "model has no layer to prove");
  if (std::none_of(blocks.begin(), blocks.end(), [](const LinearBlock& b) {
        return b.kind == BlockKind::kLinear || b.kind == BlockKind::kConv;
      })) {
    return Error(Code::kUnsupported, "model has no Gemm/MatMul/Conv layer (no weights)");
  }
  if (output_block >= blocks.size()) return Error(Code::kParse, "output block out of range");
  if (clamp_bits < kMinClampBits || clamp_bits > kMaxClampBits) {
    return Error(Code::kParse, fmt::format("clamp_bits {} outside {}..{}", clamp_bits,
                                           kMinClampBits, kMaxClampBits));
  }
  if (blocks[output_block].out_size != output_size()) {
    return Error(Code::kParse, "output shape does not match the output block");
  }
  if (input_shape.size() == 4 && input_shape[0] != 1) {
    return Error(Code::kParse, "input batch is not 1");
  }
  auto earlier = [](int32_t src, size_t i) { return src >= -1 && src < static_cast<int32_t>(i); };
  for (size_t i = 0; i < blocks.size(); ++i) {
    const LinearBlock& b = blocks[i];
    auto fail = [&](std::string_view why) {
      return Error(Code::kParse, fmt::format("block {}: {}", i, why));
    };
    if (static_cast<uint32_t>(b.kind) > static_cast<uint32_t>(BlockKind::kAdd)) {
      return fail("unknown kind");
    }
    if (b.in_size == 0 || b.in_size > kMaxDim || b.out_size == 0 || b.out_size > kMaxDim) {
      return fail("size outside 1..2^24");
    }
    if (!earlier(b.input, i)) return fail("input is not earlier");
    bool is_add = b.kind == BlockKind::kAdd;
    if (is_add ? !earlier(b.input_b, i) : b.input_b != -1) return fail("second input");
    Storage st = StorageOf(b.input);
    size_t want = b.input < 0 ? input_size() : blocks[b.input].out_size;
    if (b.in_size != want) return fail(fmt::format("input size {} != {}", b.in_size, want));
    if (is_add) {
      size_t size_b = b.input_b < 0 ? input_size() : blocks[b.input_b].out_size;
      if (!(StorageOf(b.input_b) == st) || b.out_size != b.in_size || size_b != b.in_size) {
        return fail("Add inputs differ in size or layout");
      }
    }
    if (b.kind == BlockKind::kConv || b.kind == BlockKind::kAvgPool ||
        b.kind == BlockKind::kMaxPool) {
      Status g = ValidateWindow(b);
      if (!g.ok()) return fail(g.message());
      if (st.channels != b.win.c || st.positions != b.win.h * b.win.w) {
        return fail("window input does not match its source's layout");
      }
    } else if (!(b.win == Window{})) {
      return fail("window set on a block without one");
    }
    if (b.kind == BlockKind::kMaxPool) {
      if (b.multiplier != 0 || b.multiplier_b != 0 || b.shift != 0 || b.relu) {
        return fail("max-pool has no requantization");
      }
      continue;
    }
    int64_t lo = is_add ? 0 : 1;
    if (b.multiplier < lo || b.multiplier > (int64_t{1} << 16) || b.shift < 1 ||
        b.shift > static_cast<uint32_t>(kMaxShift)) {
      return fail("M or s out of range");
    }
    if (b.kind == BlockKind::kAvgPool && (b.multiplier != 1 || b.shift > 40)) {
      return fail("avg-pool M must be 1, s <= 40");
    }
    if (is_add ? b.multiplier_b > (int64_t{1} << 16) : b.multiplier_b != 0) {
      return fail("M_b out of range");
    }
  }
  return Status();
}

void ModelSpec::Encode(ByteWriter& w) const {
  EncodeShape(w, input_shape);
  EncodeShape(w, output_shape);
  w.U32(std::bit_cast<uint32_t>(input_scale));
  w.U32(std::bit_cast<uint32_t>(output_scale));
  w.U32(static_cast<uint32_t>(blocks.size()));
  for (const LinearBlock& b : blocks) {
    w.U32(static_cast<uint32_t>(b.kind));
    w.U32(b.in_size);
    w.U32(b.out_size);
    w.U32(static_cast<uint32_t>(b.input + 1));
    w.U32(static_cast<uint32_t>(b.input_b + 1));
    w.U64(static_cast<uint64_t>(b.multiplier));
    w.U64(static_cast<uint64_t>(b.multiplier_b));
    w.U32(b.shift);
    w.U32(b.relu ? 1 : 0);
    const Window& g = b.win;
    for (uint32_t v : {g.c, g.h, g.w, g.oc, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.pb,
                       g.pr, g.oh, g.ow}) {
      w.U32(v);
    }
    w.U32(g.count_include_pad ? 1 : 0);
  }
  w.U32(output_block);
  w.U32(clamp_bits);
}

namespace {
Result<bool> ParseFlag(ByteReader& r, std::string_view field) {
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(uint32_t v, r.U32(field));
  if (v > 1) return Error(Code::kParse, fmt::format("{} at byte {}: not 0/1", field, at));
  return v == 1;
}
Result<int32_t> ParseSource(ByteReader& r, std::string_view field) {
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(uint32_t v, r.U32(field));
  if (v > 1024) return Error(Code::kParse, fmt::format("{} at byte {}: out of range", field, at));
  return static_cast<int32_t>(v) - 1;
}
Result<int64_t> ParseMultiplier(ByteReader& r, std::string_view field) {
  size_t at = r.offset();
  VINET_ASSIGN_OR_RETURN(uint64_t v, r.U64(field));
  if (v > (uint64_t{1} << 16)) {
    return Error(Code::kParse, fmt::format("{} at byte {}: above 2^16", field, at));
  }
  return static_cast<int64_t>(v);
}
}  // namespace

Result<ModelSpec> ModelSpec::Parse(ByteReader& r) {
  ModelSpec s;
  VINET_ASSIGN_OR_RETURN(s.input_shape, ParseShape(r, "spec.input_shape"));
  VINET_ASSIGN_OR_RETURN(s.output_shape, ParseShape(r, "spec.output_shape"));
  VINET_ASSIGN_OR_RETURN(s.input_scale, ParseScale(r, "spec.input_scale"));
  VINET_ASSIGN_OR_RETURN(s.output_scale, ParseScale(r, "spec.output_scale"));
  VINET_ASSIGN_OR_RETURN(uint32_t nb, r.Count("spec.blocks", 1024));
  s.blocks.resize(nb);
  for (LinearBlock& b : s.blocks) {
    size_t at = r.offset();
    VINET_ASSIGN_OR_RETURN(uint32_t kind, r.U32("block.kind"));
    if (kind > static_cast<uint32_t>(BlockKind::kAdd)) {
      return Error(Code::kParse, fmt::format("block.kind at byte {}: unknown kind {}", at, kind));
    }
    b.kind = static_cast<BlockKind>(kind);
    VINET_ASSIGN_OR_RETURN(b.in_size, r.U32("block.in_size"));
    VINET_ASSIGN_OR_RETURN(b.out_size, r.U32("block.out_size"));
    VINET_ASSIGN_OR_RETURN(b.input, ParseSource(r, "block.input"));
    VINET_ASSIGN_OR_RETURN(b.input_b, ParseSource(r, "block.input_b"));
    VINET_ASSIGN_OR_RETURN(b.multiplier, ParseMultiplier(r, "block.multiplier"));
    VINET_ASSIGN_OR_RETURN(b.multiplier_b, ParseMultiplier(r, "block.multiplier_b"));
    VINET_ASSIGN_OR_RETURN(b.shift, r.U32("block.shift"));
    VINET_ASSIGN_OR_RETURN(b.relu, ParseFlag(r, "block.relu"));
    Window& g = b.win;
    for (uint32_t* v : {&g.c, &g.h, &g.w, &g.oc, &g.kh, &g.kw, &g.sh, &g.sw, &g.dh, &g.dw, &g.pt,
                        &g.pl, &g.pb, &g.pr, &g.oh, &g.ow}) {
      VINET_ASSIGN_OR_RETURN(*v, r.U32("block.window"));
    }
    VINET_ASSIGN_OR_RETURN(g.count_include_pad, ParseFlag(r, "block.count_include_pad"));
  }
  VINET_ASSIGN_OR_RETURN(s.output_block, r.U32("spec.output_block"));
  VINET_ASSIGN_OR_RETURN(s.clamp_bits, r.U32("spec.clamp_bits"));
  Status st = s.Validate();
  if (!st.ok()) return Error(Code::kParse, "spec: " + st.message());
  return s;
}

Result<ModelCircuit> SpecFromModel(const runtime::QuantizedModel& m) {
  ModelCircuit c;
  Sources src;
  src.of[m.input()] = -1;
  c.spec.input_shape = m.tensors()[m.input()].shape;
  if (!c.spec.input_shape.empty()) c.spec.input_shape[0] = 1;  // batch of one
  for (const QLayer& l : m.layers()) {
    for (int t : l.inputs) ++src.uses[t];
  }
  for (size_t li = 0; li < m.layers().size(); ++li) {
    const QLayer& l = m.layers()[li];
    switch (l.op) {
      case QOp::kLinear:
        VINET_RETURN_IF_ERROR(AddLinear(m, li, src, c));
        break;
      case QOp::kConv:
      case QOp::kMaxPool:
      case QOp::kAveragePool:
      case QOp::kGlobalAveragePool:
        VINET_RETURN_IF_ERROR(AddWindowed(m, li, src, c));
        break;
      case QOp::kAdd:
        VINET_RETURN_IF_ERROR(AddAdd(m, li, src, c));
        break;
      case QOp::kRelu:
        VINET_RETURN_IF_ERROR(AddRelu(m, l, src, c));
        break;
      case QOp::kReshape: {
        auto it = src.of.find(l.inputs[0]);
        if (it == src.of.end()) return Unsupported(l, "input is not provable");
        src.of[l.output] = it->second;
        break;
      }
      default:
        return Unsupported(l, "op is not supported by the zkml prover");
    }
  }
  auto out = src.of.find(m.output());
  if (out == src.of.end() || out->second < 0) {
    return Error(Code::kUnsupported, "model output is not computed by a provable layer");
  }
  c.spec.output_block = static_cast<uint32_t>(out->second);
  const runtime::QTensor& in = m.tensors()[m.input()];
  const runtime::QTensor& ot = m.tensors()[m.output()];
  c.spec.input_shape = in.shape;
  c.spec.output_shape = ot.shape;
  c.spec.input_scale = in.scale;
  c.spec.output_scale = ot.scale;
  for (auto* shape : {&c.spec.input_shape, &c.spec.output_shape}) {
    if (!shape->empty() && (*shape)[0] != 1) (*shape)[0] = 1;  // batch of one
  }
  VINET_RETURN_IF_ERROR(c.spec.Validate());
  return c;
}

}  // namespace vinet::zkml

#include "llm/kernels/matmul.h"

#include <algorithm>

namespace vinet::llm::kernels {

void MatMul(const KernelTable& k, ThreadPool& pool, const MatMulJob* jobs, size_t n_jobs,
            const float* x, size_t x_stride, size_t T, std::vector<uint8_t>& scratch) {
  // Quantize the input once per activation kind the jobs need.
  const size_t cols = jobs[0].w->cols;
  size_t offset[3] = {0, 0, 0};
  size_t arb[3] = {0, 0, 0};
  bool need[3] = {false, false, false};
  GgmlType rep[3] = {GgmlType::kF32, GgmlType::kQ8_0, GgmlType::kQ4_K};
  for (size_t j = 0; j < n_jobs; ++j) need[static_cast<int>(ActKindFor(jobs[j].w->type))] = true;
  size_t total = 0;
  for (int a = 0; a < 3; ++a) {
    if (!need[a]) continue;
    offset[a] = total;
    arb[a] = ActRowBytes(rep[a], cols);
    total += (arb[a] * T + 63) / 64 * 64;
  }
  if (scratch.size() < total) scratch.resize(total);
  for (int a = 0; a < 3; ++a) {
    if (!need[a]) continue;
    for (size_t t = 0; t < T; ++t)
      QuantizeActs(rep[a], x + t * x_stride, cols, scratch.data() + offset[a] + t * arb[a]);
  }
  const uint8_t* acts = scratch.data();
  size_t total_rows = 0;
  for (size_t j = 0; j < n_jobs; ++j) total_rows += jobs[j].w->rows;

  // Chunks of whole kTile-row tiles of the concatenated jobs, about four per
  // thread (few enough that handing them out costs little); each tile passes
  // once over the T activation rows.
  constexpr size_t kTile = 16;
  const size_t per =
      std::max<size_t>(1, (total_rows + 4 * pool.size() * kTile - 1) / (4 * pool.size() * kTile));
  const size_t chunk_rows = per * kTile;
  const uint32_t n_chunks = static_cast<uint32_t>((total_rows + chunk_rows - 1) / chunk_rows);
  pool.For(n_chunks, [&](uint32_t chunk, unsigned) {
    for (size_t begin = chunk * chunk_rows; begin < std::min((chunk + 1) * chunk_rows, total_rows);
         begin += kTile) {
      const size_t end = std::min(begin + kTile, total_rows);
      size_t base = 0;
      for (size_t j = 0; j < n_jobs; ++j) {
        const Matrix& w = *jobs[j].w;
        const size_t lo = std::max(begin, base), hi = std::min(end, base + w.rows);
        const size_t first = base;
        base += w.rows;
        if (lo >= hi) continue;
        const int a = static_cast<int>(ActKindFor(w.type));
        const DotFn dot = k.For(w.type);
        const Dot4Fn dot4 = k.For4(w.type);
        const uint8_t* act = acts + offset[a];
        const bool narrow = w.row_bytes * kDotCols < (size_t{1} << 31);
        const Dot8x4Fn dot8x4 = narrow ? k.For8x4(w.type) : nullptr;
        size_t t = 0;
        // kDotRows activation rows per pass over the tile's weight rows
        // (kDotCols rows at a time where the path has the tile kernel).
        for (; dot4 != nullptr && t + kDotRows <= T; t += kDotRows) {
          float* y = jobs[j].y + t * jobs[j].y_stride;
          const uint8_t* xa = act + t * arb[a];
          size_t r0 = lo - first;
          for (; dot8x4 != nullptr && r0 + kDotCols <= hi - first; r0 += kDotCols)
            dot8x4(w.data + r0 * w.row_bytes, w.row_bytes, xa, arb[a], cols, y + r0,
                   jobs[j].y_stride);
          for (size_t r = r0; r < hi - first; ++r) {
            float o[kDotRows];
            dot4(w.data + r * w.row_bytes, xa, arb[a], cols, o);
            for (size_t i = 0; i < kDotRows; ++i) y[i * jobs[j].y_stride + r] = o[i];
          }
        }
        // The remaining rows one at a time, kDotCols weight rows per call.
        const Dot8Fn dot8 = narrow ? k.For8(w.type) : nullptr;
        for (; t < T; ++t) {
          float* y = jobs[j].y + t * jobs[j].y_stride;
          const uint8_t* xa = act + t * arb[a];
          size_t r = lo - first;
          for (; dot8 != nullptr && r + kDotCols <= hi - first; r += kDotCols)
            dot8(w.data + r * w.row_bytes, w.row_bytes, xa, cols, y + r);
          for (; r < hi - first; ++r) y[r] = dot(w.data + r * w.row_bytes, xa, cols);
        }
      }
    }
  });
}

}  // namespace vinet::llm::kernels

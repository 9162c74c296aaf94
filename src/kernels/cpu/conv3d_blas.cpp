// dW[co][r] = Σ_n Σ_p dy[n][co][p] · col_n[r][p], with col_n the im2col matrix of sample n. The
// (sample, column block) tasks are split into a fixed number of groups; each group accumulates
// its blocks into a float32 partial with single-threaded sgemm calls (OpenBLAS runs one thread
// inside a parallel region), and the partials are added in double in group order. The grouping
// depends only on the shapes, so the result is the same for any thread count.
#include "kernels/cpu/conv3d_blas.h"

#include <algorithm>

#include "kernels/cpu/conv3d_im2col.h"
#include "tensor/error.h"
#include "tensor/parallel.h"

#if SEMISAM_HAS_OPENBLAS
#include <cblas.h>
#endif

namespace semisam::ops::cpu::openblas {

#if SEMISAM_HAS_OPENBLAS

namespace {
// Fixed number of partial sums (a constant, so rounding never depends on the machine).
constexpr int64_t kGroups = 16;
// Columns per block: about 2 MB of im2col matrix, large enough for sgemm to run near its peak.
int64_t block_columns(int64_t rows, int64_t volume) {
  int64_t cols = (int64_t(1) << 21) / std::max<int64_t>(1, rows * int64_t(sizeof(float)));
  return std::min(std::clamp<int64_t>(cols, 256, 16384), volume);
}
}  // namespace

void conv3d_backward_weight(const Tensor& grad_output, const Tensor& input,
                            const Conv3dParams& params, const Tensor& grad_weight) {
  conv_detail::ConvGeometry g(input.shape(), grad_weight.shape(), params);
  const int64_t rows = g.in_channels * g.kernel_volume;
  const int64_t chunk = block_columns(rows, g.out_volume);
  const int64_t chunks = (g.out_volume + chunk - 1) / chunk;
  const int64_t tasks = g.batch * chunks;
  const int64_t groups = std::min(tasks, kGroups);
  const size_t wsize = size_t(g.out_channels * rows);
  SEMISAM_CHECK(rows <= INT32_MAX && g.out_volume <= INT32_MAX, "conv3d_backward_weight: input ",
                input.str(), " exceeds OpenBLAS's 32-bit sizes");
  const float* x = input.data<float>();
  const float* dy = grad_output.data<float>();
  // Scratch from the tensor allocator, whose cache serves the same sizes again at every
  // iteration: one float32 partial dW per group, one im2col block per group.
  Tensor partial = Tensor::zeros({groups, int64_t(wsize)}, DType::Float32);
  Tensor columns = Tensor::empty({groups, rows * chunk}, DType::Float32);
  float* sums = partial.data<float>();
  parallel_tasks_in_region(groups, [&](int64_t group) {
    float* col = columns.data<float>() + group * rows * chunk;
    float* sum = sums + group * int64_t(wsize);
    for (int64_t task = group * tasks / groups; task < (group + 1) * tasks / groups; ++task) {
      const int64_t n = task / chunks, p0 = (task % chunks) * chunk;
      const int64_t count = std::min(chunk, g.out_volume - p0);
      conv_detail::im2col(g, x + n * g.in_channels * g.in_volume, p0, count, col);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(g.out_channels), int(rows),
                  int(count), 1.0f, dy + n * g.out_channels * g.out_volume + p0, int(g.out_volume),
                  col, int(count), 1.0f, sum, int(rows));
    }
  });
  float* dw = grad_weight.data<float>();
  parallel_for(int64_t(wsize), int64_t(1) << 14, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      double total = 0;
      for (int64_t group = 0; group < groups; ++group)
        total += double(sums[group * int64_t(wsize) + i]);
      dw[i] = float(total);
    }
  });
}

#else

void conv3d_backward_weight(const Tensor&, const Tensor&, const Conv3dParams&, const Tensor&) {
  SEMISAM_FAIL("conv3d_backward_weight: this build has no OpenBLAS");
}

#endif

}  // namespace semisam::ops::cpu::openblas

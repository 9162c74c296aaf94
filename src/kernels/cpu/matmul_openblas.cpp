// Batched float32 GEMM on OpenBLAS: the products of the batch are cut into output tiles, and the
// tiles run on the shared pool, each a single-threaded sgemm (OpenBLAS's OpenMP build does not
// start threads inside an active parallel region).
#include "kernels/cpu/matmul_openblas.h"

#include <algorithm>

#include "tensor/error.h"
#include "tensor/parallel.h"

#if SEMISAM_HAS_OPENBLAS
#include <cblas.h>
#endif

namespace semisam::ops::cpu::openblas {

#if SEMISAM_HAS_OPENBLAS

namespace {
// Output tiles of at least this many rows and columns (the whole axis when shorter). The tiling
// depends only on the shapes: every tile is one single-threaded sgemm inside the pool's parallel
// region, so the result never depends on the thread count (OpenBLAS's own threading splits the
// columns differently for different counts and changes the rounding of edge tiles).
constexpr int64_t kTile = 256;

int64_t tiles_along(int64_t size) { return std::max<int64_t>(1, size / kTile); }
}  // namespace

void matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b,
            const Tensor& out) {
  const int64_t batches = out.size(0), m = out.size(1), n = out.size(2);
  const int64_t k = transpose_a ? a.size(1) : a.size(2);
  const int64_t lda = a.size(2), ldb = b.size(2);
  SEMISAM_CHECK(m <= INT32_MAX && n <= INT32_MAX && k <= INT32_MAX, "matmul: a ", a.str(), " · b ",
                b.str(), " exceeds OpenBLAS's 32-bit sizes");
  const float* pa = a.data<float>();
  const float* pb = b.data<float>();
  float* po = out.data<float>();
  const bool shared_b = b.size(0) == 1;
  const int64_t row_tiles = tiles_along(m), col_tiles = tiles_along(n);
  const int64_t per_batch = row_tiles * col_tiles;
  parallel_tasks_in_region(batches * per_batch, [&](int64_t task) {
    const int64_t bi = task / per_batch, tile = task % per_batch;
    const int64_t r0 = (tile / col_tiles) * m / row_tiles,
                  r1 = (tile / col_tiles + 1) * m / row_tiles;
    const int64_t c0 = (tile % col_tiles) * n / col_tiles,
                  c1 = (tile % col_tiles + 1) * n / col_tiles;
    const float* a_batch = pa + bi * a.size(1) * lda;
    const float* b_batch = pb + (shared_b ? 0 : bi) * b.size(1) * ldb;
    float* o = po + bi * m * n + r0 * n + c0;
    if (k == 0) {
      for (int64_t r = r0; r < r1; ++r)
        std::fill(o + (r - r0) * n, o + (r - r0) * n + (c1 - c0), 0.0f);
      return;
    }
    // Row r of op(A) starts at a_batch + r·lda (plain) or a_batch + r (transposed); column c of
    // op(B) at b_batch + c (plain) or b_batch + c·ldb (transposed).
    const float* a_tile = transpose_a ? a_batch + r0 : a_batch + r0 * lda;
    const float* b_tile = transpose_b ? b_batch + c0 * ldb : b_batch + c0;
    cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans,
                transpose_b ? CblasTrans : CblasNoTrans, int(r1 - r0), int(c1 - c0), int(k), 1.0f,
                a_tile, int(lda), b_tile, int(ldb), 0.0f, o, int(n));
  });
}

#else

void matmul(const Tensor&, const Tensor&, bool, bool, const Tensor&) {
  SEMISAM_FAIL("matmul: this build has no OpenBLAS");
}

#endif

}  // namespace semisam::ops::cpu::openblas

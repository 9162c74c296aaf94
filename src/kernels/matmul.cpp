// Entry point of matmul: shape checks and flattening of the batch axes.
#include "kernels/matmul.h"

#include "kernels/copy.h"
#include "kernels/dispatch.h"

namespace semisam::ops {

Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b) {
  check_same_dtype("matmul", a, b);
  check_floating("matmul", a);
  SEMISAM_CHECK(a.dim() >= 2 && b.dim() >= 2, "matmul: operands need at least 2 axes: ", a.str(),
                " and ", b.str());
  int64_t m = transpose_a ? a.size(-1) : a.size(-2);
  int64_t k = transpose_a ? a.size(-2) : a.size(-1);
  int64_t kb = transpose_b ? b.size(-1) : b.size(-2);
  int64_t n = transpose_b ? b.size(-2) : b.size(-1);
  SEMISAM_CHECK(k == kb, "matmul: inner sizes differ: ", a.str(), (transpose_a ? "ᵀ" : ""), " · ",
                b.str(), (transpose_b ? "ᵀ" : ""));
  Shape batch(a.shape().begin(), a.shape().end() - 2);
  Shape batch_b(b.shape().begin(), b.shape().end() - 2);
  SEMISAM_CHECK(b.dim() == 2 || batch_b == batch, "matmul: batch axes differ: ", a.str(), " and ",
                b.str(), " (b may also be 2-D)");
  int64_t batches = shape_numel(batch);
  Tensor a3 = reshape(a, {batches, a.size(-2), a.size(-1)});
  Tensor b3 = reshape(b, {b.dim() == 2 ? 1 : batches, b.size(-2), b.size(-1)});
  Shape out_shape = batch;
  out_shape.push_back(m);
  out_shape.push_back(n);
  Tensor out = Tensor::empty(out_shape, a.dtype(), a.device());
  if (out.numel() == 0) return out;
  Tensor out3 = out.view({batches, m, n});
  by_device("matmul", a.device(), [&] { cpu::matmul(a3, b3, transpose_a, transpose_b, out3); },
            [&] { cuda::matmul(a3, b3, transpose_a, transpose_b, out3); });
  return out;
}

}  // namespace semisam::ops

// Normalisations: instance normalisation over each (n, c) plane of an N,C,... tensor (no affine,
// biased variance, optionally fused with the ReLU that follows it in the U-Net), and layer
// normalisation over one axis with an affine weight and bias. Statistics accumulate in float
// (double for double tensors); the saved mean and 1/std are float32 (float64 for double).
#pragma once

#include "kernels/norm_common.h"
#include "tensor/tensor.h"

namespace semisam::ops {

struct NormResult {
  Tensor out;
  Tensor mean;  // one per normalised group, contiguous
  Tensor rstd;  // 1 / sqrt(biased variance + eps)
};

// x: N, C, spatial... (at least 2 dims). out has x's shape and dtype, mean/rstd shape [N, C].
NormResult instance_norm(const Tensor& x, double eps = 1e-5, bool relu = false);
// d(loss)/dx given d(loss)/d(out). `relu` must match the forward: the ReLU mask is recomputed
// from x and the saved statistics (the gradient at a normalised value of exactly 0 is 0).
Tensor instance_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& mean,
                              const Tensor& rstd, bool relu);

// Normalises over `axis` (e.g. -1 for tokens, 1 for the channels of N,C,D,H,W), then
// out = x̂·weight + bias with weight and bias of shape [x.size(axis)] in stat_dtype(x.dtype()).
// mean/rstd have x's shape with `axis` removed.
NormResult layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, int64_t axis,
                      double eps = 1e-6);
struct LayerNormGrads {
  Tensor x, weight, bias;
};
LayerNormGrads layer_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& weight,
                                   const Tensor& mean, const Tensor& rstd, int64_t axis);

// Backends: every tensor contiguous; instance norm sees x as [planes, plane_size].
namespace cpu {
void instance_norm(const Tensor& x, int64_t planes, double eps, bool relu, const Tensor& out,
                   const Tensor& mean, const Tensor& rstd);
void instance_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& mean,
                            const Tensor& rstd, int64_t planes, bool relu, const Tensor& dx);
void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, AxisSplit split,
                double eps, const Tensor& out, const Tensor& mean, const Tensor& rstd);
void layer_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& weight,
                         const Tensor& mean, const Tensor& rstd, AxisSplit split, const Tensor& dx,
                         const Tensor& dweight, const Tensor& dbias);
}  // namespace cpu
namespace cuda {
void instance_norm(const Tensor& x, int64_t planes, double eps, bool relu, const Tensor& out,
                   const Tensor& mean, const Tensor& rstd);
void instance_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& mean,
                            const Tensor& rstd, int64_t planes, bool relu, const Tensor& dx);
void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, AxisSplit split,
                double eps, const Tensor& out, const Tensor& mean, const Tensor& rstd);
void layer_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& weight,
                         const Tensor& mean, const Tensor& rstd, AxisSplit split, const Tensor& dx,
                         const Tensor& dweight, const Tensor& dbias);
}  // namespace cuda

}  // namespace semisam::ops

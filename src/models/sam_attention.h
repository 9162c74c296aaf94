// The transformer pieces of the SAM-Med3D image encoder (SPEC §2.4): multi-head attention with
// decomposed 3-D relative positions, the MLP, and the block with window or global attention.
// Inference only: forwards run without recording gradients. Tokens are channels-last
// [B, D, H, W, C], as in the reference.
#pragma once

#include <memory>

#include "autograd/variable.h"
#include "layers/linear.h"
#include "layers/module.h"
#include "layers/norm.h"
#include "tensor/generator.h"

namespace semisam::models {

// Attention over an S×S×S token cube: softmax(q·scale·kᵀ + rel)·v, then proj, where rel adds
// q·Rd[d−kd+S−1] + q·Rh[h−kh+S−1] + q·Rw[w−kw+S−1] with the unscaled query q. Parameters qkv,
// proj, rel_pos_d/h/w [(2S−1), head_dim] (zeros, as the reference initialises them).
class SamAttention : public layers::Module {
 public:
  SamAttention(int64_t dim, int64_t heads, int64_t size, Generator& gen);
  // x [B, S, S, S, dim] -> [B, S, S, S, dim].
  ag::Variable forward(const ag::Variable& x) const;

 private:
  // rel [B·heads, S, S, S, S, S, S]: the three decomposed terms broadcast over the key cube.
  ag::Variable relative_terms(const ag::Variable& q) const;

  int64_t dim_, heads_, size_;
  std::shared_ptr<layers::Linear> qkv_, proj_;
  ag::Variable rel_d_, rel_h_, rel_w_;
  // One-hot [S·S, 2S−1] float64 matrix G[q·S + k, q − k + S − 1] = 1 that gathers a table into
  // R[q, k] exactly (an anti-diagonal pattern no strided view can express), cached per device.
  mutable Tensor gather_;
};

// lin1 → exact erf GELU → lin2.
class SamMlp : public layers::Module {
 public:
  SamMlp(int64_t dim, int64_t hidden, Generator& gen);
  ag::Variable forward(const ag::Variable& x) const;

 private:
  std::shared_ptr<layers::Linear> lin1_, lin2_;
};

// x = x + crop(attn(pad(norm1(x)))), x = x + mlp(norm2(x)). With window > 0 the grid is
// zero-padded at the high end of each axis to a multiple of the window after norm1 (padded tokens
// are zero vectors that still produce keys and values from the qkv bias) and cut into windows;
// with window 0 attention is global over the grid.
class SamBlock : public layers::Module {
 public:
  SamBlock(int64_t dim, int64_t heads, int64_t mlp_ratio, int64_t window, int64_t grid,
           Generator& gen);
  ag::Variable forward(const ag::Variable& x) const;
  int64_t window() const { return window_; }

 private:
  ag::Variable windowed_attention(const ag::Variable& y) const;

  int64_t window_;
  std::shared_ptr<layers::LayerNorm> norm1_, norm2_;
  std::shared_ptr<SamAttention> attn_;
  std::shared_ptr<SamMlp> mlp_;
};

}  // namespace semisam::models

// Attention with decomposed relative positions, MLP and window/global block of the SAM-Med3D
// image encoder.
#include "models/sam_attention.h"

#include <cmath>

#include "autograd/ops.h"
#include "kernels/copy.h"
#include "kernels/matmul.h"
#include "layers/activation.h"
#include "layers/softmax.h"

namespace semisam::models {
namespace {

// G [S·S, 2S−1] with G[q·S + k, q − k + S − 1] = 1.
Tensor make_gather(int64_t size) {
  Tensor g = Tensor::zeros({size * size, 2 * size - 1}, DType::Float64);
  double* p = g.data<double>();
  for (int64_t q = 0; q < size; ++q)
    for (int64_t k = 0; k < size; ++k) p[(q * size + k) * (2 * size - 1) + q - k + size - 1] = 1.0;
  return g;
}

}  // namespace

SamAttention::SamAttention(int64_t dim, int64_t heads, int64_t size, Generator& gen)
    : dim_(dim), heads_(heads), size_(size) {
  SEMISAM_CHECK(dim > 0 && heads > 0 && dim % heads == 0, "SamAttention: dim ", dim,
                " is not a positive multiple of heads ", heads);
  SEMISAM_CHECK(size > 0, "SamAttention: relative-position size must be positive, got ", size);
  const int64_t head_dim = dim / heads;
  qkv_ = register_module("qkv", std::make_shared<layers::Linear>(dim, 3 * dim, gen));
  proj_ = register_module("proj", std::make_shared<layers::Linear>(dim, dim, gen));
  rel_d_ = register_parameter("rel_pos_d", Tensor::zeros({2 * size - 1, head_dim}, DType::Float32));
  rel_h_ = register_parameter("rel_pos_h", Tensor::zeros({2 * size - 1, head_dim}, DType::Float32));
  rel_w_ = register_parameter("rel_pos_w", Tensor::zeros({2 * size - 1, head_dim}, DType::Float32));
}

ag::Variable SamAttention::relative_terms(const ag::Variable& q) const {
  const int64_t S = size_, hd = dim_ / heads_, bh = q.size(0);
  if (!gather_.defined() || !(gather_.device() == q.device()))
    gather_ = ops::to_device(make_gather(S), q.device());
  // Gather the three tables at once in float64: one-hot products are exact on every backend and
  // in every math mode. R [S, S, 3·hd] with R[q, k] = table[q − k + S − 1].
  Tensor tables = ops::cast(ag::concat({rel_d_, rel_h_, rel_w_}, 1).value(), DType::Float64);
  ag::Variable R(ops::cast(ops::matmul(gather_, tables), q.dtype()).view({S, S, 3 * hd}));
  ag::Variable q5 = ag::reshape(q, {bh, S, S, S, hd});
  // One axis: bring it to the front as the batch of a product with that axis's [S, S, hd] table,
  // then move it back; returns [bh, S, S, S, S(keys of that axis)].
  auto term = [&](int64_t axis, int64_t table) {
    std::vector<int64_t> order{axis, 0};
    for (int64_t a = 1; a <= 3; ++a)
      if (a != axis) order.push_back(a);
    order.push_back(4);
    ag::Variable qa = ag::reshape(ag::permute(q5, order), {S, bh * S * S, hd});
    ag::Variable r = ag::matmul(qa, ag::narrow(R, 2, table * hd, hd), false, true);
    r = ag::reshape(r, {S, bh, S, S, S});
    std::vector<int64_t> back(5);
    for (int64_t i = 0; i < 5; ++i) back[size_t(order[size_t(i)])] = i;
    return ag::permute(r, back);
  };
  ag::Variable rd = ag::reshape(term(1, 0), {bh, S, S, S, S, 1, 1});
  ag::Variable rh = ag::reshape(term(2, 1), {bh, S, S, S, 1, S, 1});
  ag::Variable rw = ag::reshape(term(3, 2), {bh, S, S, S, 1, 1, S});
  return ag::add(ag::add(rd, rh), rw);
}

ag::Variable SamAttention::forward(const ag::Variable& x) const {
  const int64_t S = size_;
  SEMISAM_CHECK(x.dim() == 5 && x.size(1) == S && x.size(2) == S && x.size(3) == S &&
                    x.size(4) == dim_,
                "SamAttention: input must be [B, ", S, ", ", S, ", ", S, ", ", dim_, "], got ",
                shape_str(x.shape()));
  const int64_t B = x.size(0), n = S * S * S, hd = dim_ / heads_, bh = B * heads_;
  // [B, n, 3, heads, hd] -> [3, B·heads, n, hd]
  ag::Variable qkv = ag::reshape(qkv_->forward(x), {B, n, 3, heads_, hd});
  qkv = ag::reshape(ag::permute(qkv, {2, 0, 3, 1, 4}), {3, bh, n, hd});
  ag::Variable q = ag::reshape(ag::narrow(qkv, 0, 0, 1), {bh, n, hd});
  ag::Variable k = ag::reshape(ag::narrow(qkv, 0, 1, 1), {bh, n, hd});
  ag::Variable v = ag::reshape(ag::narrow(qkv, 0, 2, 1), {bh, n, hd});
  ag::Variable attn = ag::matmul(ag::mul(q, 1.0 / std::sqrt(double(hd))), k, false, true);
  attn = ag::add(ag::reshape(attn, {bh, S, S, S, S, S, S}), relative_terms(q));
  attn = layers::softmax(ag::reshape(attn, {bh, n, n}), -1);
  ag::Variable out = ag::reshape(ag::matmul(attn, v), {B, heads_, S, S, S, hd});
  out = ag::reshape(ag::permute(out, {0, 2, 3, 4, 1, 5}), {B, S, S, S, dim_});
  return proj_->forward(out);
}

SamMlp::SamMlp(int64_t dim, int64_t hidden, Generator& gen) {
  lin1_ = register_module("lin1", std::make_shared<layers::Linear>(dim, hidden, gen));
  lin2_ = register_module("lin2", std::make_shared<layers::Linear>(hidden, dim, gen));
}

ag::Variable SamMlp::forward(const ag::Variable& x) const {
  return lin2_->forward(layers::gelu(lin1_->forward(x)));
}

SamBlock::SamBlock(int64_t dim, int64_t heads, int64_t mlp_ratio, int64_t window, int64_t grid,
                   Generator& gen)
    : window_(window) {
  SEMISAM_CHECK(window >= 0 && grid > 0, "SamBlock: window ", window, " / grid ", grid,
                " invalid");
  // Registration order = the reference's state-dict order.
  norm1_ = register_module("norm1", std::make_shared<layers::LayerNorm>(dim, -1, 1e-6));
  attn_ = register_module("attn",
                          std::make_shared<SamAttention>(dim, heads, window > 0 ? window : grid, gen));
  norm2_ = register_module("norm2", std::make_shared<layers::LayerNorm>(dim, -1, 1e-6));
  mlp_ = register_module("mlp", std::make_shared<SamMlp>(dim, mlp_ratio * dim, gen));
}

ag::Variable SamBlock::windowed_attention(const ag::Variable& y) const {
  const int64_t s = window_, B = y.size(0), D = y.size(1), H = y.size(2), W = y.size(3),
                C = y.size(4);
  const int64_t Dp = D + (s - D % s) % s, Hp = H + (s - H % s) % s, Wp = W + (s - W % s) % s;
  const int64_t nd = Dp / s, nh = Hp / s, nw = Wp / s;
  ag::Variable p = ag::pad(y, {{0, 0}, {0, Dp - D}, {0, Hp - H}, {0, Wp - W}});
  if (nd * nh * nw > 1) {  // cut into windows [B·windows, s, s, s, C]
    p = ag::reshape(p, {B, nd, s, nh, s, nw, s, C});
    p = ag::reshape(ag::permute(p, {0, 1, 3, 5, 2, 4, 6, 7}), {B * nd * nh * nw, s, s, s, C});
  }
  ag::Variable a = attn_->forward(p);
  if (nd * nh * nw > 1) {
    a = ag::reshape(a, {B, nd, nh, nw, s, s, s, C});
    a = ag::reshape(ag::permute(a, {0, 1, 4, 2, 5, 3, 6, 7}), {B, Dp, Hp, Wp, C});
  }
  return ag::pad(a, {{0, 0}, {0, D - Dp}, {0, H - Hp}, {0, W - Wp}});  // negative = crop
}

ag::Variable SamBlock::forward(const ag::Variable& x) const {
  ag::Variable y = norm1_->forward(x);
  y = window_ > 0 ? windowed_attention(y) : attn_->forward(y);
  ag::Variable h = ag::add(x, y);
  return ag::add(h, mlp_->forward(norm2_->forward(h)));
}

}  // namespace semisam::models

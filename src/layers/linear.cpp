// The linear layer: a matmul with the transposed weight (cuBLAS on CUDA) plus a broadcast bias.
#include "layers/linear.h"

#include <cmath>

#include "autograd/ops.h"
#include "kernels/random.h"

namespace semisam::layers {

ag::Variable linear(const ag::Variable& x, const ag::Variable& weight, const ag::Variable& bias) {
  SEMISAM_CHECK(x.dim() >= 1 && weight.dim() == 2 && x.size(-1) == weight.size(1), "linear: input ",
                x.value().str(), " does not fit weight ", weight.value().str(),
                " (expected [..., in] and [out, in])");
  ag::Variable w = weight.dtype() == x.dtype() ? weight : ag::cast(weight, x.dtype());
  // matmul wants at least a matrix on the left: a lone vector becomes one row.
  ag::Variable rows = x.dim() == 1 ? ag::reshape(x, {1, x.size(0)}) : x;
  ag::Variable y = ag::matmul(rows, w, false, true);
  if (x.dim() == 1) y = ag::reshape(y, {weight.size(0)});
  if (!bias.defined()) return y;
  SEMISAM_CHECK(bias.shape() == Shape{weight.size(0)}, "linear: bias ", bias.value().str(),
                " does not fit weight ", weight.value().str());
  ag::Variable b = bias.dtype() == x.dtype() ? bias : ag::cast(bias, x.dtype());
  return ag::add(y, b);
}

Linear::Linear(int64_t in_features, int64_t out_features, Generator& gen, bool bias,
               Device device) {
  SEMISAM_CHECK(in_features > 0 && out_features > 0, "Linear: sizes ", in_features, " -> ",
                out_features);
  double bound = 1.0 / std::sqrt(double(in_features));
  Tensor w = Tensor::empty({out_features, in_features}, DType::Float32, device);
  ops::uniform_(w, gen, -bound, bound);
  weight_ = register_parameter("weight", w);
  if (bias) {
    Tensor b = Tensor::empty({out_features}, DType::Float32, device);
    ops::uniform_(b, gen, -bound, bound);
    bias_ = register_parameter("bias", b);
  }
}

ag::Variable Linear::forward(const ag::Variable& x) const { return linear(x, weight_, bias_); }

}  // namespace semisam::layers

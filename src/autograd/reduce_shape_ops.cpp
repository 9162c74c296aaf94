// Differentiable reductions, shape ops, casts and matmul.
#include <numeric>

#include "autograd/node.h"
#include "autograd/ops.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/matmul.h"
#include "kernels/reduce.h"
#include "kernels/shape_ops.h"

namespace semisam::ag {
namespace {

// The input shape with the reduced axes kept as size 1.
Shape keepdim_shape(const Shape& shape, const std::vector<int64_t>& axes) {
  Shape kept = shape;
  if (axes.empty()) {
    for (auto& s : kept) s = 1;
    return kept;
  }
  for (int64_t a : axes) kept[a < 0 ? a + int64_t(shape.size()) : a] = 1;
  return kept;
}

int64_t reduced_count(const Shape& shape, const std::vector<int64_t>& axes) {
  return shape_numel(shape) / std::max<int64_t>(shape_numel(keepdim_shape(shape, axes)), 1);
}

// Spreads a reduced gradient back over the reduced axes.
Tensor expand_back(const Tensor& g, const Shape& shape, const std::vector<int64_t>& axes) {
  return ops::contiguous(ops::reshape(g, keepdim_shape(shape, axes)).expand(shape));
}

}  // namespace

Variable sum(const Variable& a, const std::vector<int64_t>& axes, bool keepdim) {
  Shape shape = a.shape();
  return make_result("sum", ops::sum(a.value(), axes, keepdim), {a},
                     [shape, axes](const Tensor& g, const std::vector<bool>&) {
                       return std::vector<Tensor>{expand_back(g, shape, axes)};
                     });
}

Variable mean(const Variable& a, const std::vector<int64_t>& axes, bool keepdim) {
  Shape shape = a.shape();
  double scale = 1.0 / double(reduced_count(shape, axes));
  return make_result("mean", ops::mean(a.value(), axes, keepdim), {a},
                     [shape, axes, scale](const Tensor& g, const std::vector<bool>&) {
                       return std::vector<Tensor>{ops::mul(expand_back(g, shape, axes), scale)};
                     });
}

Variable max(const Variable& a, int64_t axis, bool keepdim) {
  const Tensor& va = a.value();
  int64_t ax = va.normalize_axis(axis);
  Tensor index = ops::argmax(va, ax, true);
  return make_result("max", ops::max(va, {ax}, keepdim), {a},
                     [va, ax, index](const Tensor& g, const std::vector<bool>&) {
                       // One-hot of the winning position along the axis.
                       std::vector<int64_t> positions(size_t(va.size(ax)));
                       std::iota(positions.begin(), positions.end(), 0);
                       Shape pos_shape(size_t(va.dim()), 1);
                       pos_shape[ax] = va.size(ax);
                       Tensor pos = ops::to_device(Tensor::from_vector(positions, pos_shape),
                                                   va.device());
                       Tensor hit = ops::compare(ops::CompareOp::Eq, pos, index);
                       Tensor gk = ops::reshape(g, keepdim_shape(va.shape(), {ax}));
                       Tensor zero = ops::full({}, 0.0, g.dtype(), g.device());
                       return std::vector<Tensor>{ops::where(hit, gk, zero)};
                     });
}

Variable reshape(const Variable& a, const Shape& shape) {
  Shape original = a.shape();
  return make_result("reshape", ops::reshape(a.value(), shape), {a},
                     [original](const Tensor& g, const std::vector<bool>&) {
                       return std::vector<Tensor>{ops::reshape(g, original)};
                     });
}

Variable permute(const Variable& a, const std::vector<int64_t>& order) {
  std::vector<int64_t> inverse(order.size());
  for (size_t i = 0; i < order.size(); ++i)
    inverse[size_t(a.value().normalize_axis(order[i]))] = int64_t(i);
  return make_result("permute", ops::contiguous(a.value().permute(order)), {a},
                     [inverse](const Tensor& g, const std::vector<bool>&) {
                       return std::vector<Tensor>{ops::contiguous(g.permute(inverse))};
                     });
}

Variable narrow(const Variable& a, int64_t axis, int64_t start, int64_t length) {
  int64_t ax = a.value().normalize_axis(axis);
  int64_t size = a.size(ax);
  return make_result("narrow", ops::contiguous(a.value().narrow(ax, start, length)), {a},
                     [ax, start, length, size](const Tensor& g, const std::vector<bool>&) {
                       std::vector<std::pair<int64_t, int64_t>> pads(size_t(ax + 1), {0, 0});
                       pads[ax] = {start, size - start - length};
                       return std::vector<Tensor>{ops::pad(g, pads, 0.0)};
                     });
}

Variable concat(const std::vector<Variable>& parts, int64_t axis) {
  std::vector<Tensor> values;
  for (const auto& p : parts) values.push_back(p.value());
  Tensor out = ops::concat(values, axis);
  int64_t ax = out.normalize_axis(axis);
  std::vector<int64_t> sizes;
  for (const auto& p : parts) sizes.push_back(p.size(ax));
  return make_result("concat", out, parts,
                     [ax, sizes](const Tensor& g, const std::vector<bool>& need) {
                       std::vector<Tensor> grads;
                       int64_t start = 0;
                       for (size_t i = 0; i < sizes.size(); ++i) {
                         grads.push_back(need[i] ? ops::contiguous(g.narrow(ax, start, sizes[i]))
                                                 : Tensor());
                         start += sizes[i];
                       }
                       return grads;
                     });
}

Variable pad(const Variable& a, const std::vector<std::pair<int64_t, int64_t>>& pads,
             double value) {
  std::vector<std::pair<int64_t, int64_t>> crop;
  for (auto [before, after] : pads) crop.push_back({-before, -after});
  return make_result("pad", ops::pad(a.value(), pads, value), {a},
                     [crop](const Tensor& g, const std::vector<bool>&) {
                       return std::vector<Tensor>{ops::pad(g, crop, 0.0)};
                     });
}

Variable cast(const Variable& a, DType dtype) {
  DType original = a.dtype();
  return make_result("cast", ops::cast(a.value(), dtype), {a},
                     [original](const Tensor& g, const std::vector<bool>&) {
                       return std::vector<Tensor>{ops::cast(g, original)};
                     });
}

Variable matmul(const Variable& a, const Variable& b, bool ta, bool tb) {
  Tensor va = a.value(), vb = b.value();
  return make_result("matmul", ops::matmul(va, vb, ta, tb), {a, b},
                     [va, vb, ta, tb](const Tensor& g, const std::vector<bool>& need) {
                       // With C = op_a(A)·op_b(B): d op_a(A) = dC·op_b(B)ᵀ, d op_b(B) = op_a(A)ᵀ·dC.
                       Tensor ga, gb;
                       Tensor b_batched = vb;
                       if (vb.dim() == 2 && va.dim() > 2) {
                         Shape bs = va.shape();
                         bs[bs.size() - 2] = vb.size(0);
                         bs[bs.size() - 1] = vb.size(1);
                         b_batched = ops::contiguous(vb.expand(bs));
                       }
                       if (need[0])
                         ga = ta ? ops::matmul(b_batched, g, tb, true) : ops::matmul(g, vb, false, !tb);
                       if (need[1]) {
                         gb = tb ? ops::matmul(g, va, true, ta) : ops::matmul(va, g, !ta, false);
                         if (vb.dim() == 2 && gb.dim() > 2)
                           gb = ops::sum(ops::reshape(gb, {-1, vb.size(0), vb.size(1)}), {0});
                       }
                       return std::vector<Tensor>{ga, gb};
                     });
}

}  // namespace semisam::ag

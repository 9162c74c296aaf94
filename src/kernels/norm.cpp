// Entry points of the normalisations: shape and dtype checks, output allocation, dispatch.
#include "kernels/norm.h"

#include "kernels/copy.h"
#include "kernels/dispatch.h"

namespace semisam::ops {
namespace {

void check_stat(const char* op, const Tensor& x, const Tensor& stat, const Shape& expected,
                const char* what) {
  check_defined(op, stat);
  check_same_device(op, x, stat);
  SEMISAM_CHECK(stat.shape() == expected && stat.dtype() == stat_dtype(x.dtype()), op, ": ", what,
                " ", stat.str(), " does not match input ", x.str(), " (expected ",
                dtype_name(stat_dtype(x.dtype())), shape_str(expected), ")");
}

Shape without_axis(const Shape& shape, int64_t axis) {
  Shape out;
  for (int64_t d = 0; d < int64_t(shape.size()); ++d)
    if (d != axis) out.push_back(shape[d]);
  return out;
}

void check_affine(const char* op, const Tensor& x, const Tensor& p, int64_t axis,
                  const char* what) {
  check_defined(op, p);
  check_same_device(op, x, p);
  SEMISAM_CHECK(p.shape() == Shape{x.size(axis)} && p.dtype() == stat_dtype(x.dtype()), op, ": ",
                what, " ", p.str(), " does not fit input ", x.str(), " normalised over axis ", axis,
                " (expected ", dtype_name(stat_dtype(x.dtype())), "[", x.size(axis), "])");
}

}  // namespace

NormResult instance_norm(const Tensor& x, double eps, bool relu) {
  const char* op = relu ? "instance_norm_relu" : "instance_norm";
  check_floating(op, x);
  SEMISAM_CHECK(x.dim() >= 2, op, ": needs N, C, spatial... input, got ", x.str());
  Tensor xc = contiguous(x);
  int64_t planes = x.size(0) * x.size(1);
  SEMISAM_CHECK(planes == 0 || xc.numel() / planes > 0, op, ": empty planes in ", x.str());
  NormResult r{Tensor::empty(x.shape(), x.dtype(), x.device()),
               Tensor::empty({x.size(0), x.size(1)}, stat_dtype(x.dtype()), x.device()),
               Tensor::empty({x.size(0), x.size(1)}, stat_dtype(x.dtype()), x.device())};
  if (planes == 0) return r;
  by_device(op, x.device(), [&] { cpu::instance_norm(xc, planes, eps, relu, r.out, r.mean, r.rstd); },
            [&] { cuda::instance_norm(xc, planes, eps, relu, r.out, r.mean, r.rstd); });
  return r;
}

Tensor instance_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& mean,
                              const Tensor& rstd, bool relu) {
  const char* op = relu ? "instance_norm_relu_backward" : "instance_norm_backward";
  check_floating(op, x);
  check_defined(op, grad_out);
  check_same_device(op, grad_out, x);
  check_same_dtype(op, grad_out, x);
  SEMISAM_CHECK(grad_out.shape() == x.shape(), op, ": gradient ", grad_out.str(),
                " does not match input ", x.str());
  Shape stat_shape{x.size(0), x.size(1)};
  check_stat(op, x, mean, stat_shape, "mean");
  check_stat(op, x, rstd, stat_shape, "rstd");
  Tensor dx = Tensor::empty(x.shape(), x.dtype(), x.device());
  int64_t planes = x.size(0) * x.size(1);
  if (planes == 0) return dx;
  Tensor gc = contiguous(grad_out), xc = contiguous(x), mc = contiguous(mean), rc = contiguous(rstd);
  by_device(op, x.device(), [&] { cpu::instance_norm_backward(gc, xc, mc, rc, planes, relu, dx); },
            [&] { cuda::instance_norm_backward(gc, xc, mc, rc, planes, relu, dx); });
  return dx;
}

NormResult layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, int64_t axis,
                      double eps) {
  const char* op = "layer_norm";
  check_floating(op, x);
  SEMISAM_CHECK(x.dim() >= 1, op, ": needs at least one axis, got ", x.str());
  axis = x.normalize_axis(axis);
  check_affine(op, x, weight, axis, "weight");
  check_affine(op, x, bias, axis, "bias");
  SEMISAM_CHECK(x.size(axis) > 0, op, ": empty axis ", axis, " in ", x.str());
  AxisSplit split = split_at_axis(x.shape(), axis);
  Shape stat_shape = without_axis(x.shape(), axis);
  NormResult r{Tensor::empty(x.shape(), x.dtype(), x.device()),
               Tensor::empty(stat_shape, stat_dtype(x.dtype()), x.device()),
               Tensor::empty(stat_shape, stat_dtype(x.dtype()), x.device())};
  if (x.numel() == 0) return r;
  Tensor xc = contiguous(x), wc = contiguous(weight), bc = contiguous(bias);
  by_device(op, x.device(), [&] { cpu::layer_norm(xc, wc, bc, split, eps, r.out, r.mean, r.rstd); },
            [&] { cuda::layer_norm(xc, wc, bc, split, eps, r.out, r.mean, r.rstd); });
  return r;
}

LayerNormGrads layer_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& weight,
                                   const Tensor& mean, const Tensor& rstd, int64_t axis) {
  const char* op = "layer_norm_backward";
  check_floating(op, x);
  check_defined(op, grad_out);
  check_same_device(op, grad_out, x);
  check_same_dtype(op, grad_out, x);
  SEMISAM_CHECK(grad_out.shape() == x.shape(), op, ": gradient ", grad_out.str(),
                " does not match input ", x.str());
  axis = x.normalize_axis(axis);
  check_affine(op, x, weight, axis, "weight");
  Shape stat_shape = without_axis(x.shape(), axis);
  check_stat(op, x, mean, stat_shape, "mean");
  check_stat(op, x, rstd, stat_shape, "rstd");
  AxisSplit split = split_at_axis(x.shape(), axis);
  LayerNormGrads g{Tensor::empty(x.shape(), x.dtype(), x.device()),
                   Tensor::empty(weight.shape(), weight.dtype(), x.device()),
                   Tensor::empty(weight.shape(), weight.dtype(), x.device())};
  if (x.numel() == 0) {
    fill_(g.weight, 0.0);
    fill_(g.bias, 0.0);
    return g;
  }
  Tensor gc = contiguous(grad_out), xc = contiguous(x), wc = contiguous(weight);
  Tensor mc = contiguous(mean), rc = contiguous(rstd);
  by_device(op, x.device(),
            [&] { cpu::layer_norm_backward(gc, xc, wc, mc, rc, split, g.x, g.weight, g.bias); },
            [&] { cuda::layer_norm_backward(gc, xc, wc, mc, rc, split, g.x, g.weight, g.bias); });
  return g;
}

}  // namespace semisam::ops

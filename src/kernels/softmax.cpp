// Entry points of softmax and log-softmax: checks, allocation, dispatch.
#include "kernels/softmax.h"

#include "kernels/copy.h"
#include "kernels/dispatch.h"

namespace semisam::ops {
namespace {

Tensor forward(const char* op, const Tensor& x, int64_t axis, bool log) {
  check_floating(op, x);
  SEMISAM_CHECK(x.dim() >= 1, op, ": needs at least one axis, got ", x.str());
  axis = x.normalize_axis(axis);
  Tensor xc = contiguous(x);
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (x.numel() == 0) return out;
  AxisSplit split = split_at_axis(x.shape(), axis);
  by_device(op, x.device(), [&] { cpu::softmax(xc, split, log, out); },
            [&] { cuda::softmax(xc, split, log, out); });
  return out;
}

Tensor backward(const char* op, const Tensor& grad_out, const Tensor& out, int64_t axis,
                bool log) {
  check_floating(op, out);
  check_defined(op, grad_out);
  check_same_device(op, grad_out, out);
  check_same_dtype(op, grad_out, out);
  SEMISAM_CHECK(grad_out.shape() == out.shape(), op, ": gradient ", grad_out.str(),
                " does not match output ", out.str());
  axis = out.normalize_axis(axis);
  Tensor gc = contiguous(grad_out), oc = contiguous(out);
  Tensor dx = Tensor::empty(out.shape(), out.dtype(), out.device());
  if (out.numel() == 0) return dx;
  AxisSplit split = split_at_axis(out.shape(), axis);
  by_device(op, out.device(), [&] { cpu::softmax_backward(gc, oc, split, log, dx); },
            [&] { cuda::softmax_backward(gc, oc, split, log, dx); });
  return dx;
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t axis) { return forward("softmax", x, axis, false); }
Tensor log_softmax(const Tensor& x, int64_t axis) { return forward("log_softmax", x, axis, true); }
Tensor softmax_backward(const Tensor& grad_out, const Tensor& out, int64_t axis) {
  return backward("softmax_backward", grad_out, out, axis, false);
}
Tensor log_softmax_backward(const Tensor& grad_out, const Tensor& out, int64_t axis) {
  return backward("log_softmax_backward", grad_out, out, axis, true);
}

}  // namespace semisam::ops

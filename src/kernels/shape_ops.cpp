// concat and pad on top of fill_/copy_ into narrowed views of the output.
#include "kernels/shape_ops.h"

#include "kernels/copy.h"
#include "kernels/dispatch.h"

namespace semisam::ops {

Tensor concat(const std::vector<Tensor>& parts, int64_t axis) {
  SEMISAM_CHECK(!parts.empty(), "concat: no tensors given");
  const Tensor& first = parts[0];
  check_defined("concat", first);
  int64_t a = first.normalize_axis(axis);
  Shape shape = first.shape();
  shape[a] = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Tensor& p = parts[i];
    check_same_dtype("concat", first, p);
    SEMISAM_CHECK(p.dim() == first.dim(), "concat: part ", i, " ", p.str(), " has a different rank",
                  " from part 0 ", first.str());
    for (int64_t d = 0; d < p.dim(); ++d)
      SEMISAM_CHECK(d == a || p.size(d) == first.size(d), "concat along axis ", a, ": part ", i,
                    " ", p.str(), " does not match part 0 ", first.str());
    shape[a] += p.size(a);
  }
  Tensor out = Tensor::empty(shape, first.dtype(), first.device());
  int64_t start = 0;
  for (const Tensor& p : parts) {
    copy_(out.narrow(a, start, p.size(a)), p);
    start += p.size(a);
  }
  return out;
}

Tensor pad(const Tensor& t, const std::vector<std::pair<int64_t, int64_t>>& pads, double value) {
  check_defined("pad", t);
  SEMISAM_CHECK(int64_t(pads.size()) <= t.dim(), "pad: ", pads.size(), " axes of padding for ",
                t.str());
  Shape shape = t.shape();
  Tensor src = t;
  std::vector<int64_t> dst_start(t.dim(), 0);
  for (size_t d = 0; d < pads.size(); ++d) {
    auto [before, after] = pads[d];
    shape[d] += before + after;
    SEMISAM_CHECK(shape[d] >= 0, "pad: axis ", d, " of ", t.str(), " cropped below zero");
    // Negative padding crops the source; positive padding offsets it in the output.
    int64_t crop_front = before < 0 ? -before : 0;
    int64_t crop_back = after < 0 ? -after : 0;
    src = src.narrow(int64_t(d), crop_front, src.size(int64_t(d)) - crop_front - crop_back);
    dst_start[d] = before > 0 ? before : 0;
  }
  Tensor out = Tensor::empty(shape, t.dtype(), t.device());
  fill_(out, value);
  Tensor window = out;
  for (int64_t d = 0; d < t.dim(); ++d) window = window.narrow(d, dst_start[d], src.size(d));
  copy_(window, src);
  return out;
}

}  // namespace semisam::ops

// Entry points of the reductions: move the reduced axes last, view as rows, reduce each row.
#include "kernels/reduce.h"

#include <algorithm>

#include "kernels/copy.h"
#include "kernels/dispatch.h"

namespace semisam::ops {
namespace {

DType output_dtype(ReduceOp op, DType in) {
  if (op == ReduceOp::ArgMax) return DType::Int64;
  if (op == ReduceOp::Sum && !is_floating(in)) return DType::Int64;
  return in;
}

const char* reduce_name(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum: return "sum";
    case ReduceOp::Mean: return "mean";
    case ReduceOp::Max: return "max";
    case ReduceOp::ArgMax: return "argmax";
  }
  return "reduce";
}

Tensor reduce(ReduceOp op, const Tensor& t, std::vector<int64_t> axes, bool keepdim) {
  const char* name = reduce_name(op);
  check_defined(name, t);
  if (op == ReduceOp::Mean) check_floating(name, t);
  if (axes.empty())
    for (int64_t d = 0; d < t.dim(); ++d) axes.push_back(d);
  std::vector<bool> reduced(t.dim(), false);
  for (int64_t& a : axes) {
    a = t.normalize_axis(a);
    SEMISAM_CHECK(!reduced[a], name, ": axis ", a, " given twice");
    reduced[a] = true;
  }
  std::vector<int64_t> order;
  Shape out_shape, kept_shape;
  int64_t rows = 1, cols = 1;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (reduced[d]) {
      if (keepdim) out_shape.push_back(1);
      continue;
    }
    order.push_back(d);
    out_shape.push_back(t.size(d));
    rows *= t.size(d);
  }
  for (int64_t d = 0; d < t.dim(); ++d)
    if (reduced[d]) {
      order.push_back(d);
      cols *= t.size(d);
    }
  SEMISAM_CHECK(cols > 0 || op == ReduceOp::Sum || op == ReduceOp::Mean, name,
                ": cannot reduce over zero elements of ", t.str());
  Tensor rows_view = contiguous(t.dim() ? t.permute(order) : t).view({rows, cols});
  Tensor out = Tensor::empty(out_shape, output_dtype(op, t.dtype()), t.device());
  if (rows == 0) return out;
  Tensor out_rows = out.view({rows});
  by_device(name, t.device(), [&] { cpu::reduce_rows(op, rows_view, out_rows); },
            [&] { cuda::reduce_rows(op, rows_view, out_rows); });
  return out;
}

}  // namespace

Tensor sum(const Tensor& t, const std::vector<int64_t>& axes, bool keepdim) {
  return reduce(ReduceOp::Sum, t, axes, keepdim);
}
Tensor mean(const Tensor& t, const std::vector<int64_t>& axes, bool keepdim) {
  return reduce(ReduceOp::Mean, t, axes, keepdim);
}
Tensor max(const Tensor& t, const std::vector<int64_t>& axes, bool keepdim) {
  return reduce(ReduceOp::Max, t, axes, keepdim);
}
Tensor argmax(const Tensor& t, int64_t axis, bool keepdim) {
  return reduce(ReduceOp::ArgMax, t, {axis}, keepdim);
}
Tensor argmax(const Tensor& t) {
  return reduce(ReduceOp::ArgMax, reshape(t, {t.numel()}), {0}, false);
}

Tensor sum_to(const Tensor& t, const Shape& shape) {
  if (t.shape() == shape) return t;
  SEMISAM_CHECK(t.dim() >= int64_t(shape.size()), "sum_to: cannot sum ", t.str(), " to ",
                shape_str(shape));
  int64_t lead = t.dim() - int64_t(shape.size());
  std::vector<int64_t> axes;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (d < lead) {
      axes.push_back(d);
    } else if (shape[d - lead] == 1 && t.size(d) != 1) {
      axes.push_back(d);
    } else {
      SEMISAM_CHECK(shape[d - lead] == t.size(d), "sum_to: cannot sum ", t.str(), " to ",
                    shape_str(shape));
    }
  }
  if (axes.empty()) return reshape(t, shape);
  return reshape(sum(t, axes, true), shape);
}

}  // namespace semisam::ops

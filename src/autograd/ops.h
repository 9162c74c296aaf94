// Differentiable versions of the tensor ops of src/kernels: each computes the value with the
// kernels and records how to take its gradient.
#pragma once

#include <utility>
#include <vector>

#include "autograd/variable.h"

namespace semisam::ag {

// Elementwise, with broadcasting (gradients are summed back to each input's shape).
Variable add(const Variable& a, const Variable& b);
Variable sub(const Variable& a, const Variable& b);
Variable mul(const Variable& a, const Variable& b);
Variable div(const Variable& a, const Variable& b);
Variable maximum(const Variable& a, const Variable& b);  // ties send the gradient to a
Variable minimum(const Variable& a, const Variable& b);  // ties send the gradient to a
Variable add(const Variable& a, double s);
Variable mul(const Variable& a, double s);
Variable rsub(double s, const Variable& a);  // s - a
Variable pow(const Variable& a, double exponent);
Variable neg(const Variable& a);
Variable exp(const Variable& a);
Variable log(const Variable& a);
Variable sqrt(const Variable& a);
Variable abs(const Variable& a);  // gradient sign(a): 0 at 0
Variable square(const Variable& a);
// cond ? a : b; cond is a uint8 tensor, not differentiated.
Variable where(const Tensor& cond, const Variable& a, const Variable& b);

// Reductions (axes empty = all axes).
Variable sum(const Variable& a, const std::vector<int64_t>& axes = {}, bool keepdim = false);
Variable mean(const Variable& a, const std::vector<int64_t>& axes = {}, bool keepdim = false);
// Gradient flows to the first maximum of each reduced group only.
Variable max(const Variable& a, int64_t axis, bool keepdim = false);

// Shape.
Variable reshape(const Variable& a, const Shape& shape);
Variable permute(const Variable& a, const std::vector<int64_t>& order);
Variable narrow(const Variable& a, int64_t axis, int64_t start, int64_t length);
Variable concat(const std::vector<Variable>& parts, int64_t axis);
Variable pad(const Variable& a, const std::vector<std::pair<int64_t, int64_t>>& pads,
             double value = 0.0);
Variable cast(const Variable& a, DType dtype);

// Products.
Variable matmul(const Variable& a, const Variable& b, bool transpose_a = false,
                bool transpose_b = false);

}  // namespace semisam::ag

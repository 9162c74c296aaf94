// Elementwise arithmetic with NumPy broadcasting, scalar forms, comparisons, unary math and where.
// Operands must share dtype and device; outputs are new contiguous tensors.
#pragma once

#include "kernels/functors.h"
#include "tensor/tensor.h"

namespace semisam::ops {

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b);
// op(a, s), or op(s, a) when scalar_first.
Tensor binary_scalar(BinaryOp op, const Tensor& a, double s, bool scalar_first = false);
Tensor unary(UnaryOp op, const Tensor& a);
// uint8 tensor of 0/1.
Tensor compare(CompareOp op, const Tensor& a, const Tensor& b);
Tensor compare_scalar(CompareOp op, const Tensor& a, double s);
// cond (uint8, nonzero = true) ? a : b, all three broadcast together.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

inline Tensor add(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Add, a, b); }
inline Tensor sub(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Sub, a, b); }
inline Tensor mul(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Mul, a, b); }
inline Tensor div(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Div, a, b); }
inline Tensor maximum(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Maximum, a, b); }
inline Tensor minimum(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Minimum, a, b); }
inline Tensor pow(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Pow, a, b); }
inline Tensor add(const Tensor& a, double s) { return binary_scalar(BinaryOp::Add, a, s); }
inline Tensor mul(const Tensor& a, double s) { return binary_scalar(BinaryOp::Mul, a, s); }
inline Tensor pow(const Tensor& a, double s) { return binary_scalar(BinaryOp::Pow, a, s); }
inline Tensor neg(const Tensor& a) { return unary(UnaryOp::Neg, a); }
inline Tensor abs(const Tensor& a) { return unary(UnaryOp::Abs, a); }
inline Tensor exp(const Tensor& a) { return unary(UnaryOp::Exp, a); }
inline Tensor log(const Tensor& a) { return unary(UnaryOp::Log, a); }
inline Tensor sqrt(const Tensor& a) { return unary(UnaryOp::Sqrt, a); }
inline Tensor square(const Tensor& a) { return unary(UnaryOp::Square, a); }
inline Tensor sign(const Tensor& a) { return unary(UnaryOp::Sign, a); }

// Backends: `out` is contiguous with the broadcast shape; inputs are views broadcast to it.
namespace cpu {
void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out);
void binary_scalar(BinaryOp op, const Tensor& a, double s, bool scalar_first, const Tensor& out);
void unary(UnaryOp op, const Tensor& a, const Tensor& out);
void compare(CompareOp op, const Tensor& a, const Tensor& b, const Tensor& out);
void compare_scalar(CompareOp op, const Tensor& a, double s, const Tensor& out);
void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out);
}  // namespace cpu
namespace cuda {
void binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out);
void binary_scalar(BinaryOp op, const Tensor& a, double s, bool scalar_first, const Tensor& out);
void unary(UnaryOp op, const Tensor& a, const Tensor& out);
void compare(CompareOp op, const Tensor& a, const Tensor& b, const Tensor& out);
void compare_scalar(CompareOp op, const Tensor& a, double s, const Tensor& out);
void where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out);
}  // namespace cuda

}  // namespace semisam::ops

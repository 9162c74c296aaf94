// The scalar arithmetic of the elementwise families, written once for both backends. Each
// function works in the compute type (float for half types, the type itself otherwise).
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "tensor/half_types.h"

namespace semisam::ops {

enum class BinaryOp { Add, Sub, Mul, Div, Maximum, Minimum, Pow };
enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge };
enum class UnaryOp { Neg, Abs, Exp, Log, Sqrt, Rsqrt, Square, Reciprocal, Sign, Identity };

const char* binary_op_name(BinaryOp op);
const char* unary_op_name(UnaryOp op);

template <typename T>
SEMISAM_HD bool is_nan_value(T v) {
  return v != v;
}

template <typename T>
SEMISAM_HD T apply_binary(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Sub: return a - b;
    case BinaryOp::Mul: return a * b;
    case BinaryOp::Div: return a / b;
    // NaN propagates through maximum/minimum, as in PyTorch.
    case BinaryOp::Maximum: return is_nan_value(a) ? a : (is_nan_value(b) ? b : (a > b ? a : b));
    case BinaryOp::Minimum: return is_nan_value(a) ? a : (is_nan_value(b) ? b : (a < b ? a : b));
    case BinaryOp::Pow: return T(pow(double(a), double(b)));
  }
  return a;
}

template <typename T>
SEMISAM_HD bool apply_compare(CompareOp op, T a, T b) {
  switch (op) {
    case CompareOp::Eq: return a == b;
    case CompareOp::Ne: return a != b;
    case CompareOp::Lt: return a < b;
    case CompareOp::Le: return a <= b;
    case CompareOp::Gt: return a > b;
    case CompareOp::Ge: return a >= b;
  }
  return false;
}

// Unary math in float or double; integer inputs only reach Neg, Abs, Square, Sign, Identity.
SEMISAM_HD float unary_math(UnaryOp op, float x) {
  switch (op) {
    case UnaryOp::Exp: return expf(x);
    case UnaryOp::Log: return logf(x);
    case UnaryOp::Sqrt: return sqrtf(x);
    case UnaryOp::Rsqrt: return 1.0f / sqrtf(x);
    case UnaryOp::Reciprocal: return 1.0f / x;
    default: return x;
  }
}
SEMISAM_HD double unary_math(UnaryOp op, double x) {
  switch (op) {
    case UnaryOp::Exp: return exp(x);
    case UnaryOp::Log: return log(x);
    case UnaryOp::Sqrt: return sqrt(x);
    case UnaryOp::Rsqrt: return 1.0 / sqrt(x);
    case UnaryOp::Reciprocal: return 1.0 / x;
    default: return x;
  }
}
template <typename T>
SEMISAM_HD T unary_math(UnaryOp, T x) {
  return x;
}

template <typename T>
SEMISAM_HD bool is_negative(T x) {
  if constexpr (std::is_unsigned<T>::value) return false;
  else return x < T(0);
}

template <typename T>
SEMISAM_HD T apply_unary(UnaryOp op, T x) {
  switch (op) {
    case UnaryOp::Neg: return T(-x);
    case UnaryOp::Abs: return is_negative(x) ? T(-x) : x;
    case UnaryOp::Square: return T(x * x);
    case UnaryOp::Sign: return x > T(0) ? T(1) : (is_negative(x) ? T(-1) : T(0));
    case UnaryOp::Identity: return x;
    default: return unary_math(op, x);
  }
}

}  // namespace semisam::ops

// Operand checks used by every op entry point.
#include "kernels/dispatch.h"

#include "kernels/functors.h"

namespace semisam::ops {

void check_defined(const char* op, const Tensor& t) {
  SEMISAM_CHECK(t.defined(), op, ": undefined tensor argument");
}

void check_same_device(const char* op, const Tensor& a, const Tensor& b) {
  check_defined(op, a);
  check_defined(op, b);
  SEMISAM_CHECK(a.device() == b.device(), op, ": operands on different devices: ", a.str(), " and ",
                b.str());
}

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  check_same_device(op, a, b);
  SEMISAM_CHECK(a.dtype() == b.dtype(), op, ": operands of different dtypes: ", a.str(), " and ",
                b.str(), " (cast one explicitly)");
}

void check_floating(const char* op, const Tensor& t) {
  check_defined(op, t);
  SEMISAM_CHECK(is_floating(t.dtype()), op, ": needs a floating-point tensor, got ", t.str());
}

void require_cuda_backend(const char* op) {
  SEMISAM_FAIL(op, ": a CUDA tensor was given but this build has no CUDA backend");
}

const char* binary_op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "add";
    case BinaryOp::Sub: return "sub";
    case BinaryOp::Mul: return "mul";
    case BinaryOp::Div: return "div";
    case BinaryOp::Maximum: return "maximum";
    case BinaryOp::Minimum: return "minimum";
    case BinaryOp::Pow: return "pow";
  }
  return "binary";
}

const char* unary_op_name(UnaryOp op) {
  switch (op) {
    case UnaryOp::Neg: return "neg";
    case UnaryOp::Abs: return "abs";
    case UnaryOp::Exp: return "exp";
    case UnaryOp::Log: return "log";
    case UnaryOp::Sqrt: return "sqrt";
    case UnaryOp::Rsqrt: return "rsqrt";
    case UnaryOp::Square: return "square";
    case UnaryOp::Reciprocal: return "reciprocal";
    case UnaryOp::Sign: return "sign";
    case UnaryOp::Identity: return "identity";
  }
  return "unary";
}

}  // namespace semisam::ops

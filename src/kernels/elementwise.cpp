// Entry points of the elementwise family: checks, output allocation, backend choice.
#include "kernels/elementwise.h"

#include "kernels/dispatch.h"

namespace semisam::ops {

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
  const char* name = binary_op_name(op);
  check_same_dtype(name, a, b);
  Tensor out = Tensor::empty(broadcast_shapes(a.shape(), b.shape()), a.dtype(), a.device());
  by_device(name, a.device(), [&] { cpu::binary(op, a, b, out); },
            [&] { cuda::binary(op, a, b, out); });
  return out;
}

Tensor binary_scalar(BinaryOp op, const Tensor& a, double s, bool scalar_first) {
  const char* name = binary_op_name(op);
  check_defined(name, a);
  Tensor out = Tensor::empty(a.shape(), a.dtype(), a.device());
  by_device(name, a.device(), [&] { cpu::binary_scalar(op, a, s, scalar_first, out); },
            [&] { cuda::binary_scalar(op, a, s, scalar_first, out); });
  return out;
}

Tensor unary(UnaryOp op, const Tensor& a) {
  const char* name = unary_op_name(op);
  check_defined(name, a);
  bool integer_ok = op == UnaryOp::Neg || op == UnaryOp::Abs || op == UnaryOp::Square ||
                    op == UnaryOp::Sign || op == UnaryOp::Identity;
  SEMISAM_CHECK(integer_ok || is_floating(a.dtype()), name, ": needs a floating-point tensor, got ",
                a.str());
  Tensor out = Tensor::empty(a.shape(), a.dtype(), a.device());
  by_device(name, a.device(), [&] { cpu::unary(op, a, out); }, [&] { cuda::unary(op, a, out); });
  return out;
}

Tensor compare(CompareOp op, const Tensor& a, const Tensor& b) {
  check_same_dtype("compare", a, b);
  Tensor out = Tensor::empty(broadcast_shapes(a.shape(), b.shape()), DType::UInt8, a.device());
  by_device("compare", a.device(), [&] { cpu::compare(op, a, b, out); },
            [&] { cuda::compare(op, a, b, out); });
  return out;
}

Tensor compare_scalar(CompareOp op, const Tensor& a, double s) {
  check_defined("compare", a);
  Tensor out = Tensor::empty(a.shape(), DType::UInt8, a.device());
  by_device("compare", a.device(), [&] { cpu::compare_scalar(op, a, s, out); },
            [&] { cuda::compare_scalar(op, a, s, out); });
  return out;
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  check_same_dtype("where", a, b);
  check_same_device("where", cond, a);
  SEMISAM_CHECK(cond.dtype() == DType::UInt8, "where: condition must be uint8, got ", cond.str());
  Shape shape = broadcast_shapes(cond.shape(), broadcast_shapes(a.shape(), b.shape()));
  Tensor out = Tensor::empty(shape, a.dtype(), a.device());
  by_device("where", a.device(), [&] { cpu::where(cond, a, b, out); },
            [&] { cuda::where(cond, a, b, out); });
  return out;
}

}  // namespace semisam::ops

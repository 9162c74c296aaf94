// Differentiable elementwise ops and their gradients.
#include "autograd/node.h"
#include "autograd/ops.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/reduce.h"

namespace semisam::ag {

using GradFn = std::function<std::vector<Tensor>(const Tensor&, const std::vector<bool>&)>;

Variable add(const Variable& a, const Variable& b) {
  Shape sa = a.shape(), sb = b.shape();
  return make_result("add", ops::add(a.value(), b.value()), {a, b},
                     [sa, sb](const Tensor& g, const std::vector<bool>& need) {
                       return std::vector<Tensor>{need[0] ? ops::sum_to(g, sa) : Tensor(),
                                                  need[1] ? ops::sum_to(g, sb) : Tensor()};
                     });
}

Variable sub(const Variable& a, const Variable& b) {
  Shape sa = a.shape(), sb = b.shape();
  return make_result("sub", ops::sub(a.value(), b.value()), {a, b},
                     [sa, sb](const Tensor& g, const std::vector<bool>& need) {
                       return std::vector<Tensor>{need[0] ? ops::sum_to(g, sa) : Tensor(),
                                                  need[1] ? ops::sum_to(ops::neg(g), sb) : Tensor()};
                     });
}

Variable mul(const Variable& a, const Variable& b) {
  Tensor va = a.value(), vb = b.value();
  return make_result("mul", ops::mul(va, vb), {a, b},
                     [va, vb](const Tensor& g, const std::vector<bool>& need) {
                       return std::vector<Tensor>{
                           need[0] ? ops::sum_to(ops::mul(g, vb), va.shape()) : Tensor(),
                           need[1] ? ops::sum_to(ops::mul(g, va), vb.shape()) : Tensor()};
                     });
}

Variable div(const Variable& a, const Variable& b) {
  Tensor va = a.value(), vb = b.value();
  Tensor out = ops::div(va, vb);
  return make_result("div", out, {a, b}, [va, vb, out](const Tensor& g, const std::vector<bool>& need) {
    Tensor ga, gb;
    if (need[0]) ga = ops::sum_to(ops::div(g, vb), va.shape());
    // d(a/b)/db = -(a/b)/b
    if (need[1]) gb = ops::sum_to(ops::neg(ops::div(ops::mul(g, out), vb)), vb.shape());
    return std::vector<Tensor>{ga, gb};
  });
}

namespace {
// Gradient routing for maximum/minimum: a wins where `a_wins` (ties included).
Variable select_binary(const char* name, ops::CompareOp a_wins_op, const Variable& a,
                       const Variable& b, Tensor value) {
  Tensor va = a.value(), vb = b.value();
  return make_result(name, std::move(value), {a, b},
                     [va, vb, a_wins_op](const Tensor& g, const std::vector<bool>& need) {
                       Tensor a_wins = ops::compare(a_wins_op, va, vb);
                       Tensor zero = ops::full({}, 0.0, g.dtype(), g.device());
                       Tensor ga, gb;
                       if (need[0]) ga = ops::sum_to(ops::where(a_wins, g, zero), va.shape());
                       if (need[1]) gb = ops::sum_to(ops::where(a_wins, zero, g), vb.shape());
                       return std::vector<Tensor>{ga, gb};
                     });
}
}  // namespace

Variable maximum(const Variable& a, const Variable& b) {
  return select_binary("maximum", ops::CompareOp::Ge, a, b, ops::maximum(a.value(), b.value()));
}

Variable minimum(const Variable& a, const Variable& b) {
  return select_binary("minimum", ops::CompareOp::Le, a, b, ops::minimum(a.value(), b.value()));
}

Variable add(const Variable& a, double s) {
  return make_result("add_scalar", ops::add(a.value(), s), {a},
                     [](const Tensor& g, const std::vector<bool>&) { return std::vector<Tensor>{g}; });
}

Variable mul(const Variable& a, double s) {
  return make_result("mul_scalar", ops::mul(a.value(), s), {a},
                     [s](const Tensor& g, const std::vector<bool>&) {
                       return std::vector<Tensor>{ops::mul(g, s)};
                     });
}

Variable rsub(double s, const Variable& a) {
  return make_result("rsub_scalar", ops::binary_scalar(ops::BinaryOp::Sub, a.value(), s, true), {a},
                     [](const Tensor& g, const std::vector<bool>&) {
                       return std::vector<Tensor>{ops::neg(g)};
                     });
}

Variable pow(const Variable& a, double exponent) {
  Tensor va = a.value();
  return make_result("pow_scalar", ops::pow(va, exponent), {a},
                     [va, exponent](const Tensor& g, const std::vector<bool>&) {
                       Tensor d = ops::mul(ops::pow(va, exponent - 1.0), exponent);
                       return std::vector<Tensor>{ops::mul(g, d)};
                     });
}

Variable neg(const Variable& a) {
  return make_result("neg", ops::neg(a.value()), {a},
                     [](const Tensor& g, const std::vector<bool>&) {
                       return std::vector<Tensor>{ops::neg(g)};
                     });
}

Variable exp(const Variable& a) {
  Tensor out = ops::exp(a.value());
  return make_result("exp", out, {a}, [out](const Tensor& g, const std::vector<bool>&) {
    return std::vector<Tensor>{ops::mul(g, out)};
  });
}

Variable log(const Variable& a) {
  Tensor va = a.value();
  return make_result("log", ops::log(va), {a}, [va](const Tensor& g, const std::vector<bool>&) {
    return std::vector<Tensor>{ops::div(g, va)};
  });
}

Variable sqrt(const Variable& a) {
  Tensor out = ops::sqrt(a.value());
  return make_result("sqrt", out, {a}, [out](const Tensor& g, const std::vector<bool>&) {
    return std::vector<Tensor>{ops::div(ops::mul(g, 0.5), out)};
  });
}

Variable abs(const Variable& a) {
  Tensor va = a.value();
  return make_result("abs", ops::abs(va), {a}, [va](const Tensor& g, const std::vector<bool>&) {
    return std::vector<Tensor>{ops::mul(g, ops::sign(va))};
  });
}

Variable square(const Variable& a) {
  Tensor va = a.value();
  return make_result("square", ops::square(va), {a}, [va](const Tensor& g, const std::vector<bool>&) {
    return std::vector<Tensor>{ops::mul(ops::mul(g, va), 2.0)};
  });
}

Variable where(const Tensor& cond, const Variable& a, const Variable& b) {
  Shape sa = a.shape(), sb = b.shape();
  return make_result("where", ops::where(cond, a.value(), b.value()), {a, b},
                     [cond, sa, sb](const Tensor& g, const std::vector<bool>& need) {
                       Tensor zero = ops::full({}, 0.0, g.dtype(), g.device());
                       Tensor ga, gb;
                       if (need[0]) ga = ops::sum_to(ops::where(cond, g, zero), sa);
                       if (need[1]) gb = ops::sum_to(ops::where(cond, zero, g), sb);
                       return std::vector<Tensor>{ga, gb};
                     });
}

}  // namespace semisam::ag

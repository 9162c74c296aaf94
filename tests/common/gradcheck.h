// Central finite-difference gradient check in float64 on the CPU: perturbs every element of every
// input and compares d(Σ w·f)/dx with the recorded backward pass (w fixed random weights).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "autograd/ops.h"
#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/reduce.h"

namespace semisam::test {

using VarFn = std::function<ag::Variable(const std::vector<ag::Variable>&)>;

inline double weighted_output(const VarFn& f, const std::vector<Tensor>& inputs, const Tensor& w) {
  ag::NoGradGuard no_grad;
  std::vector<ag::Variable> vars;
  for (const Tensor& t : inputs) vars.emplace_back(t, false);
  return ops::item(ops::sum(ops::mul(f(vars).value(), w)));
}

// Returns the largest |analytic - numeric| / max(1, |numeric|) over all input elements.
inline double gradcheck(const VarFn& f, const std::vector<Tensor>& inputs, double eps = 1e-6) {
  std::vector<ag::Variable> vars;
  for (size_t i = 0; i < inputs.size(); ++i)
    vars.emplace_back(ops::clone(inputs[i]), true, "x" + std::to_string(i));
  ag::Variable out = f(vars);
  Tensor w = random_tensor(out.shape(), DType::Float64, 4242);
  ag::Variable loss = ag::sum(ag::mul(out, ag::Variable(w)));
  loss.backward();
  double worst = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::vector<Tensor> probe;
    for (const Tensor& t : inputs) probe.push_back(ops::clone(t));
    std::vector<double> analytic =
        vars[i].grad().defined() ? ops::to_vector<double>(vars[i].grad())
                                 : std::vector<double>(size_t(inputs[i].numel()), 0.0);
    double* x = probe[i].data<double>();
    for (int64_t e = 0; e < probe[i].numel(); ++e) {
      double keep = x[e];
      x[e] = keep + eps;
      double up = weighted_output(f, probe, w);
      x[e] = keep - eps;
      double down = weighted_output(f, probe, w);
      x[e] = keep;
      double numeric = (up - down) / (2 * eps);
      worst = std::max(worst, std::abs(analytic[size_t(e)] - numeric) / std::max(1.0, std::abs(numeric)));
    }
  }
  return worst;
}

}  // namespace semisam::test

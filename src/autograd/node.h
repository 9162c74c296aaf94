// The recorded graph: a Node holds the inputs of one op and the function that maps the gradient
// of its output to gradients of those inputs. make_result() is how every differentiable op
// returns its value.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "autograd/variable.h"

namespace semisam::ag {

// Given d(loss)/d(output), returns d(loss)/d(input_i) per input, in input order; an undefined
// tensor where an input needs no gradient.
using BackwardFn = std::function<std::vector<Tensor>(const Tensor& grad_output)>;

struct Node {
  const char* op_name = "";
  std::vector<std::shared_ptr<VariableImpl>> inputs;
  std::vector<bool> needs_grad;  // per input: whether the backward must produce its gradient
  BackwardFn backward;
};

// Wraps `value` as the result of an op. When recording and some input requires grad, attaches a
// node calling `backward` (which receives the needs_grad flags so it can skip unneeded work).
Variable make_result(const char* op_name, Tensor value, const std::vector<Variable>& inputs,
                     std::function<std::vector<Tensor>(const Tensor& grad_output,
                                                       const std::vector<bool>& needs_grad)>
                         backward);

}  // namespace semisam::ag

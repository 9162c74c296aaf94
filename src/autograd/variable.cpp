// Variable, grad mode, and the backward engine (topological order, gradient accumulation).
#include "autograd/variable.h"

#include <unordered_map>
#include <unordered_set>

#include "autograd/node.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"

namespace semisam::ag {
namespace {
thread_local bool grad_mode_enabled = true;

Tensor accumulate(const Tensor& current, const Tensor& incoming) {
  return current.defined() ? ops::add(current, incoming) : incoming;
}
}  // namespace

Variable::Variable(Tensor value, bool requires_grad, std::string name)
    : impl_(std::make_shared<VariableImpl>()) {
  SEMISAM_CHECK(value.defined(), "Variable '", name, "': undefined value");
  SEMISAM_CHECK(!requires_grad || is_floating(value.dtype()), "Variable '", name,
                "': only floating-point values can require gradients, got ", value.str());
  impl_->value = std::move(value);
  impl_->requires_grad = requires_grad;
  impl_->name = std::move(name);
}

const Tensor& Variable::value() const {
  SEMISAM_CHECK(impl_, "value of an undefined Variable");
  return impl_->value;
}

const Tensor& Variable::grad() const {
  SEMISAM_CHECK(impl_, "grad of an undefined Variable");
  return impl_->grad;
}

const std::string& Variable::name() const {
  SEMISAM_CHECK(impl_, "name of an undefined Variable");
  return impl_->name;
}

void Variable::set_value(const Tensor& value) {
  SEMISAM_CHECK(impl_, "set_value of an undefined Variable");
  SEMISAM_CHECK(value.shape() == impl_->value.shape() && value.dtype() == impl_->value.dtype() &&
                    value.defined(),
                "set_value of '", impl_->name, "': ", value.str(), " does not match ",
                impl_->value.str());
  impl_->value = value;
}

void Variable::set_grad(const Tensor& grad) {
  SEMISAM_CHECK(impl_, "set_grad of an undefined Variable");
  SEMISAM_CHECK(!grad.defined() || grad.shape() == impl_->value.shape(), "set_grad of '",
                impl_->name, "': ", grad.str(), " does not match ", impl_->value.str());
  impl_->grad = grad;
}

void Variable::zero_grad() {
  if (impl_) impl_->grad = Tensor();
}

Variable Variable::detach() const { return Variable(value(), false, impl_->name); }

void Variable::backward(const Tensor& grad_output) const {
  SEMISAM_CHECK(impl_, "backward of an undefined Variable");
  SEMISAM_CHECK(impl_->requires_grad, "backward: '", impl_->name,
                "' does not require a gradient (no parameter reaches it)");
  Tensor seed = grad_output;
  if (!seed.defined()) {
    SEMISAM_CHECK(impl_->value.numel() == 1, "backward: implicit gradient only for one-element ",
                  "outputs; got ", impl_->value.str());
    seed = ops::full(impl_->value.shape(), 1.0, impl_->value.dtype(), impl_->value.device());
  }
  SEMISAM_CHECK(seed.shape() == impl_->value.shape(), "backward: gradient ", seed.str(),
                " does not match output ", impl_->value.str());

  // Topological order of the variables that have a grad_fn (iterative DFS: deep graphs are fine).
  std::vector<VariableImpl*> order;
  std::unordered_set<VariableImpl*> visited;
  std::vector<std::pair<VariableImpl*, size_t>> stack{{impl_.get(), 0}};
  visited.insert(impl_.get());
  while (!stack.empty()) {
    auto& [v, next] = stack.back();
    if (v->grad_fn && next < v->grad_fn->inputs.size()) {
      VariableImpl* child = v->grad_fn->inputs[next++].get();
      if (child->requires_grad && visited.insert(child).second) stack.push_back({child, 0});
      continue;
    }
    order.push_back(v);
    stack.pop_back();
  }

  std::unordered_map<VariableImpl*, Tensor> pending{{impl_.get(), seed}};
  NoGradGuard no_grad;  // the backward computation itself is not recorded
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    VariableImpl* v = *it;
    auto found = pending.find(v);
    if (found == pending.end()) continue;
    Tensor g = std::move(found->second);
    pending.erase(found);
    if (!v->grad_fn) {
      v->grad = accumulate(v->grad, g);
      continue;
    }
    Node& node = *v->grad_fn;
    std::vector<Tensor> input_grads = node.backward(g);
    SEMISAM_CHECK(input_grads.size() == node.inputs.size(), "backward of ", node.op_name,
                  " returned ", input_grads.size(), " gradients for ", node.inputs.size(),
                  " inputs");
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      if (!node.needs_grad[i] || !input_grads[i].defined()) continue;
      VariableImpl* input = node.inputs[i].get();
      SEMISAM_CHECK(input_grads[i].shape() == input->value.shape(), "backward of ", node.op_name,
                    ": gradient ", input_grads[i].str(), " for input ", i, " of shape ",
                    shape_str(input->value.shape()));
      pending[input] = accumulate(pending[input], input_grads[i]);
    }
  }
}

bool grad_enabled() { return grad_mode_enabled; }
NoGradGuard::NoGradGuard() : previous_(grad_mode_enabled) { grad_mode_enabled = false; }
NoGradGuard::~NoGradGuard() { grad_mode_enabled = previous_; }

Variable make_result(const char* op_name, Tensor value, const std::vector<Variable>& inputs,
                     std::function<std::vector<Tensor>(const Tensor&, const std::vector<bool>&)>
                         backward) {
  Variable out(std::move(value));
  if (!grad_enabled()) return out;
  std::vector<bool> needs(inputs.size(), false);
  bool any = false;
  for (size_t i = 0; i < inputs.size(); ++i) {
    needs[i] = inputs[i].defined() && inputs[i].requires_grad();
    any = any || needs[i];
  }
  if (!any) return out;
  auto node = std::make_shared<Node>();
  node->op_name = op_name;
  for (const Variable& in : inputs)
    node->inputs.push_back(in.defined() ? in.impl() : std::make_shared<VariableImpl>());
  node->needs_grad = needs;
  node->backward = [fn = std::move(backward), needs](const Tensor& g) { return fn(g, needs); };
  out.impl()->grad_fn = std::move(node);
  out.impl()->requires_grad = true;
  return out;
}

}  // namespace semisam::ag

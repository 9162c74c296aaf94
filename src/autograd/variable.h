// Reverse-mode automatic differentiation: a Variable is a tensor value plus, when it takes part in
// differentiation, its gradient and the node that produced it. Graphs are recorded as ops run
// (unless a NoGradGuard is alive) and freed when the last Variable that reaches them goes away.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace semisam::ag {

struct Node;

struct VariableImpl {
  Tensor value;
  Tensor grad;                    // accumulated gradient (leaves that require grad)
  bool requires_grad = false;
  std::shared_ptr<Node> grad_fn;  // null for leaves
  std::string name;
};

class Variable {
 public:
  Variable() = default;
  explicit Variable(Tensor value, bool requires_grad = false, std::string name = {});

  bool defined() const { return impl_ != nullptr; }
  const Tensor& value() const;
  // The accumulated gradient (undefined until a backward pass reaches this leaf).
  const Tensor& grad() const;
  bool requires_grad() const { return impl_ && impl_->requires_grad; }
  bool is_leaf() const { return impl_ && !impl_->grad_fn; }
  const std::string& name() const;
  const Shape& shape() const { return value().shape(); }
  int64_t dim() const { return value().dim(); }
  int64_t size(int64_t axis) const { return value().size(axis); }
  DType dtype() const { return value().dtype(); }
  Device device() const { return value().device(); }

  // Replaces the value in place (optimisers, loading): keeps identity, drops no gradient.
  void set_value(const Tensor& value);
  void set_grad(const Tensor& grad);
  void zero_grad();  // forgets the gradient
  // A new leaf with the same value that records nothing.
  Variable detach() const;
  // Back-propagates from this variable. grad_output defaults to ones for a one-element value.
  void backward(const Tensor& grad_output = {}) const;

  const std::shared_ptr<VariableImpl>& impl() const { return impl_; }

 private:
  std::shared_ptr<VariableImpl> impl_;
};

// A named, trainable leaf.
inline Variable parameter(Tensor value, std::string name) {
  return Variable(std::move(value), true, std::move(name));
}

// Whether ops record graphs on this thread; NoGradGuard turns recording off in its scope.
bool grad_enabled();
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace semisam::ag

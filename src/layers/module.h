// Module: a node of a network with named parameters and child modules. Names join with dots the
// way PyTorch's state_dict does ("up_concat4.conv.conv1.0.weight"), so checkpoints map one-to-one.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autograd/variable.h"

namespace semisam::layers {

class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Every parameter of this module and its children, depth first in registration order.
  std::vector<std::pair<std::string, ag::Variable>> named_parameters() const;
  std::vector<ag::Variable> parameters() const;
  // Looks a parameter up by its full dotted name; throws naming the module when absent.
  ag::Variable parameter(const std::string& name) const;

  // Training mode (dropout active) or evaluation mode, for this module and its children.
  void train(bool on = true);
  void eval() { train(false); }
  bool training() const { return training_; }

  void zero_grad();
  // Moves every parameter to `device` (values are copied; gradients are dropped).
  void to(Device device);
  // Converts every parameter to `dtype` (float64 for gradient checks and parity tests).
  void cast(DType dtype);

  // Assigns parameter values by full name (a state dict): each value is converted to the
  // parameter's dtype and device. Throws, listing them, when names are missing, unexpected or of
  // the wrong shape; nothing is assigned then.
  void load_parameters(const std::vector<std::pair<std::string, Tensor>>& named);
  // The current parameter values by full name (shared, not copied).
  std::vector<std::pair<std::string, Tensor>> parameter_values() const;

 protected:
  ag::Variable register_parameter(const std::string& name, Tensor value);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> child) {
    children_.emplace_back(name, child);
    return child;
  }

 private:
  void collect(const std::string& prefix,
               std::vector<std::pair<std::string, ag::Variable>>& out) const;

  std::vector<std::pair<std::string, ag::Variable>> params_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

}  // namespace semisam::layers

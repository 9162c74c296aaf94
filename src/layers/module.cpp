// Parameter registration, lookup and mode switching of Module.
#include "layers/module.h"

#include "kernels/copy.h"

namespace semisam::layers {

ag::Variable Module::register_parameter(const std::string& name, Tensor value) {
  for (const auto& [existing, var] : params_)
    SEMISAM_CHECK(existing != name, "parameter '", name, "' registered twice");
  ag::Variable var = ag::parameter(std::move(value), name);
  params_.emplace_back(name, var);
  return var;
}

void Module::collect(const std::string& prefix,
                     std::vector<std::pair<std::string, ag::Variable>>& out) const {
  for (const auto& [name, var] : params_) out.emplace_back(prefix + name, var);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out);
}

std::vector<std::pair<std::string, ag::Variable>> Module::named_parameters() const {
  std::vector<std::pair<std::string, ag::Variable>> out;
  collect("", out);
  return out;
}

std::vector<ag::Variable> Module::parameters() const {
  std::vector<ag::Variable> out;
  for (auto& [name, var] : named_parameters()) out.push_back(var);
  return out;
}

ag::Variable Module::parameter(const std::string& name) const {
  for (auto& [n, var] : named_parameters())
    if (n == name) return var;
  SEMISAM_FAIL("no parameter named '", name, "' in this module (", named_parameters().size(),
               " parameters)");
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::zero_grad() {
  for (auto& [name, var] : named_parameters()) var.zero_grad();
}

void Module::to(Device device) {
  for (auto& [name, var] : named_parameters()) {
    var.zero_grad();
    var.set_value(ops::to_device(var.value(), device));
  }
}

}  // namespace semisam::layers

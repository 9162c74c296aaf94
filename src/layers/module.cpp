// Parameter registration, lookup and mode switching of Module.
#include "layers/module.h"

#include "kernels/copy.h"

#include <map>
#include <sstream>

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

void Module::cast(DType dtype) {
  for (auto& [name, var] : named_parameters()) {
    var.zero_grad();
    var.impl()->value = ops::cast(var.value(), dtype);  // set_value would refuse the new dtype
  }
}

namespace {
// Collects offending names for an error message: the first few in full, then a count.
class Offenders {
 public:
  void add(const std::string& text) {
    if (count_++ < kShown) list_ << (count_ > 1 ? ", " : "") << text;
  }
  int count() const { return count_; }
  std::string str(const char* what) const {
    std::ostringstream out;
    out << count_ << " " << what;
    if (count_) out << " (" << list_.str() << (count_ > kShown ? ", …" : "") << ")";
    return out.str();
  }

 private:
  static constexpr int kShown = 8;
  int count_ = 0;
  std::ostringstream list_;
};
}  // namespace

void Module::load_parameters(const std::vector<std::pair<std::string, Tensor>>& named) {
  std::map<std::string, const Tensor*> given;
  for (const auto& [name, value] : named) given[name] = &value;
  auto params = named_parameters();
  std::map<std::string, bool> known;
  Offenders missing, wrong, extra;
  for (const auto& [name, var] : params) {
    known[name] = true;
    auto it = given.find(name);
    if (it == given.end())
      missing.add("'" + name + "'");
    else if (it->second->shape() != var.shape())
      wrong.add("'" + name + "' expected " + shape_str(var.shape()) + ", got " +
                shape_str(it->second->shape()));
  }
  for (const auto& [name, value] : named)
    if (!known.count(name)) extra.add("'" + name + "'");
  SEMISAM_CHECK(missing.count() + wrong.count() + extra.count() == 0,
                "parameters do not match the model: ", missing.str("missing"), "; ",
                extra.str("unexpected"), "; ", wrong.str("of the wrong shape"));
  for (auto& [name, var] : params) {
    Tensor value = ops::to_device(ops::cast(*given[name], var.dtype()), var.device());
    var.zero_grad();
    var.set_value(value.shares_storage(*given[name]) ? ops::clone(value) : value);
  }
}

std::vector<std::pair<std::string, Tensor>> Module::parameter_values() const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (const auto& [name, var] : named_parameters()) out.emplace_back(name, var.value());
  return out;
}

}  // namespace semisam::layers

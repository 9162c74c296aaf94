// SGD and Adam over the multi-tensor kernels of kernels/optim.h; state naming and restoring.
#include "layers/optim.h"

#include <set>

#include "kernels/copy.h"
#include "kernels/optim.h"

namespace semisam::layers {
namespace {

NamedParameters name_parameters(const std::vector<ag::Variable>& params) {
  std::set<std::string> seen;
  bool usable = true;
  for (const ag::Variable& p : params) usable = usable && !p.name().empty() && seen.insert(p.name()).second;
  NamedParameters named;
  for (size_t i = 0; i < params.size(); ++i)
    named.emplace_back(usable ? params[i].name() : std::to_string(i), params[i]);
  return named;
}

// Index of the parameter whose state key is "<name>.<suffix>", or -1.
int64_t find_param(const NamedParameters& params, const std::string& key, const std::string& suffix) {
  for (size_t i = 0; i < params.size(); ++i)
    if (key == params[i].first + "." + suffix) return int64_t(i);
  return -1;
}

Tensor restored(const Tensor& t, const ag::Variable& param, const std::string& key) {
  SEMISAM_CHECK(t.shape() == param.shape(), "optimizer state '", key, "' ", t.str(),
                " does not match parameter ", param.value().str());
  return ops::clone(ops::to_device(ops::cast(t, param.dtype()), param.device()));
}

Tensor zeros_like(const Tensor& t) { return ops::full(t.shape(), 0.0, t.dtype(), t.device()); }

}  // namespace

Optimizer::Optimizer(NamedParameters params, double lr) : params_(std::move(params)), lr_(lr) {
  for (const auto& [name, p] : params_)
    SEMISAM_CHECK(p.defined() && p.requires_grad(), "optimizer: parameter '", name,
                  "' is undefined or does not require a gradient");
}

Optimizer::Optimizer(const std::vector<ag::Variable>& params, double lr)
    : Optimizer(name_parameters(params), lr) {}

void Optimizer::zero_grad() {
  for (auto& [name, p] : params_) p.zero_grad();
}

SGD::SGD(NamedParameters params, double lr, SgdOptions options)
    : Optimizer(std::move(params), lr), options_(options), momentum_(params_.size()) {}

SGD::SGD(const std::vector<ag::Variable>& params, double lr, SgdOptions options)
    : Optimizer(params, lr), options_(options), momentum_(params_.size()) {}

void SGD::step() {
  std::vector<ops::SgdSlot> slots;
  for (size_t i = 0; i < params_.size(); ++i) {
    const ag::Variable& p = params_[i].second;
    if (!p.grad().defined()) continue;
    ops::SgdSlot slot{p.value(), ops::contiguous(p.grad()), Tensor(), false};
    if (options_.momentum != 0) {
      slot.first = !momentum_[i].defined();
      // The first update writes the whole buffer (buf = d), so its initial contents do not matter.
      if (slot.first) momentum_[i] = Tensor::empty(p.shape(), p.dtype(), p.device());
      slot.momentum_buffer = momentum_[i];
    }
    slots.push_back(slot);
  }
  ops::sgd_step(slots, {lr_, options_.momentum, options_.dampening, options_.weight_decay,
                        options_.nesterov});
}

NamedTensors SGD::state() const {
  NamedTensors out;
  for (size_t i = 0; i < params_.size(); ++i)
    if (momentum_[i].defined()) out.emplace_back(params_[i].first + ".momentum_buffer", momentum_[i]);
  return out;
}

void SGD::load_state(const NamedTensors& state) {
  std::vector<Tensor> loaded(params_.size());
  for (const auto& [key, t] : state) {
    int64_t i = find_param(params_, key, "momentum_buffer");
    SEMISAM_CHECK(i >= 0, "SGD: unknown state '", key, "'");
    loaded[size_t(i)] = restored(t, params_[size_t(i)].second, key);
  }
  momentum_ = loaded;
}

Adam::Adam(NamedParameters params, double lr, AdamOptions options)
    : Optimizer(std::move(params), lr), options_(options), exp_avg_(params_.size()),
      exp_avg_sq_(params_.size()), steps_(params_.size(), 0) {}

Adam::Adam(const std::vector<ag::Variable>& params, double lr, AdamOptions options)
    : Optimizer(params, lr), options_(options), exp_avg_(params_.size()),
      exp_avg_sq_(params_.size()), steps_(params_.size(), 0) {}

void Adam::step() {
  std::vector<ops::AdamSlot> slots;
  for (size_t i = 0; i < params_.size(); ++i) {
    const ag::Variable& p = params_[i].second;
    if (!p.grad().defined()) continue;
    if (!exp_avg_[i].defined()) {
      exp_avg_[i] = zeros_like(p.value());
      exp_avg_sq_[i] = zeros_like(p.value());
    }
    slots.push_back({p.value(), ops::contiguous(p.grad()), exp_avg_[i], exp_avg_sq_[i], ++steps_[i]});
  }
  ops::adam_step(slots, {lr_, options_.beta1, options_.beta2, options_.eps, options_.weight_decay});
}

NamedTensors Adam::state() const {
  NamedTensors out;
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!exp_avg_[i].defined()) continue;
    const std::string& name = params_[i].first;
    out.emplace_back(name + ".step", ops::full({}, double(steps_[i]), DType::Float32));
    out.emplace_back(name + ".exp_avg", exp_avg_[i]);
    out.emplace_back(name + ".exp_avg_sq", exp_avg_sq_[i]);
  }
  return out;
}

void Adam::load_state(const NamedTensors& state) {
  std::vector<Tensor> avg(params_.size()), avg_sq(params_.size());
  std::vector<int64_t> steps(params_.size(), 0);
  for (const auto& [key, t] : state) {
    int64_t i;
    if ((i = find_param(params_, key, "exp_avg")) >= 0) {
      avg[size_t(i)] = restored(t, params_[size_t(i)].second, key);
    } else if ((i = find_param(params_, key, "exp_avg_sq")) >= 0) {
      avg_sq[size_t(i)] = restored(t, params_[size_t(i)].second, key);
    } else if ((i = find_param(params_, key, "step")) >= 0) {
      SEMISAM_CHECK(t.numel() == 1, "Adam: state '", key, "' must hold one number, got ", t.str());
      steps[size_t(i)] = int64_t(ops::item(t));
    } else {
      SEMISAM_FAIL("Adam: unknown state '", key, "'");
    }
  }
  for (size_t i = 0; i < params_.size(); ++i)
    SEMISAM_CHECK(avg[i].defined() == avg_sq[i].defined() && (avg[i].defined() == (steps[i] > 0)),
                  "Adam: incomplete state for parameter '", params_[i].first,
                  "' (needs exp_avg, exp_avg_sq and a positive step together)");
  exp_avg_ = avg;
  exp_avg_sq_ = avg_sq;
  steps_ = steps;
}

}  // namespace semisam::layers

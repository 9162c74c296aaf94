// Optimisers with PyTorch's semantics over a set of parameters: SGD (momentum, dampening, weight
// decay added to the gradient, Nesterov) and Adam (bias-corrected, eps outside the square root).
// Each step updates every parameter that has a gradient in place (one multi-tensor launch on
// CUDA); parameters without a gradient are skipped, as in PyTorch. State tensors are named
// "<parameter name>.<buffer>" so a checkpoint can store and restore them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "autograd/variable.h"

namespace semisam::layers {

using NamedParameters = std::vector<std::pair<std::string, ag::Variable>>;
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

class Optimizer {
 public:
  // Names from Module::named_parameters() (the checkpoint keys).
  Optimizer(NamedParameters params, double lr);
  // Names from Variable::name() when those are unique and non-empty, else the parameter's index
  // ("0", "1", ...: PyTorch's own optimizer state keys).
  Optimizer(const std::vector<ag::Variable>& params, double lr);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  virtual void step() = 0;
  void zero_grad();
  double lr() const { return lr_; }
  void set_lr(double lr) { lr_ = lr; }
  const NamedParameters& parameters() const { return params_; }

  // The live state tensors (on the parameters' device); absent until the first step creates them.
  virtual NamedTensors state() const = 0;
  // Replaces the state by copies of `state` (converted to each parameter's device); every key must
  // name a buffer of a known parameter, with its shape.
  virtual void load_state(const NamedTensors& state) = 0;

 protected:
  NamedParameters params_;
  double lr_;
};

struct SgdOptions {
  double momentum = 0.9, dampening = 0.0, weight_decay = 0.0;
  bool nesterov = false;
};

// State: "<name>.momentum_buffer" (with momentum).
class SGD : public Optimizer {
 public:
  SGD(NamedParameters params, double lr, SgdOptions options = {});
  SGD(const std::vector<ag::Variable>& params, double lr, SgdOptions options = {});
  void step() override;
  NamedTensors state() const override;
  void load_state(const NamedTensors& state) override;

 private:
  SgdOptions options_;
  std::vector<Tensor> momentum_;  // per parameter; undefined until its first update
};

struct AdamOptions {
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
};

// State: "<name>.exp_avg", "<name>.exp_avg_sq" and "<name>.step" (a float32 0-d CPU tensor, as
// PyTorch stores it).
class Adam : public Optimizer {
 public:
  Adam(NamedParameters params, double lr = 1e-3, AdamOptions options = {});
  Adam(const std::vector<ag::Variable>& params, double lr = 1e-3, AdamOptions options = {});
  void step() override;
  NamedTensors state() const override;
  void load_state(const NamedTensors& state) override;

 private:
  AdamOptions options_;
  std::vector<Tensor> exp_avg_, exp_avg_sq_;
  std::vector<int64_t> steps_;
};

}  // namespace semisam::layers

// Entry points of the optimiser updates: per-slot checks, then one backend call for the set.
#include "kernels/optim.h"

#include "kernels/dispatch.h"

namespace semisam::ops {
namespace {

void check_slot_tensor(const char* op, size_t index, const Tensor& param, const Tensor& t,
                       const char* what) {
  SEMISAM_CHECK(t.defined(), op, ": ", what, " of parameter ", index, " is undefined");
  SEMISAM_CHECK(t.shape() == param.shape() && t.dtype() == param.dtype() &&
                    t.device() == param.device() && t.is_contiguous(),
                op, ": ", what, " ", t.str(), " of parameter ", index, " does not match ",
                param.str(), " (or is not contiguous)");
}

void check_param(const char* op, size_t index, const Tensor& param, Device device) {
  SEMISAM_CHECK(param.defined() && param.is_contiguous(), op, ": parameter ", index,
                " is undefined or not contiguous");
  SEMISAM_CHECK(param.dtype() == DType::Float32 ||
                    (param.dtype() == DType::Float64 && param.device().is_cpu()),
                op, ": parameter ", index, " is ", param.str(),
                "; parameters are float32 (float64 only on the CPU)");
  SEMISAM_CHECK(param.device() == device, op, ": parameter ", index, " is on ",
                param.device().str(), ", the first on ", device.str());
}

}  // namespace

void sgd_step(const std::vector<SgdSlot>& slots, const optim_rule::SgdScalars& scalars) {
  if (slots.empty()) return;
  Device device = slots[0].param.device();
  for (size_t i = 0; i < slots.size(); ++i) {
    check_param("sgd_step", i, slots[i].param, device);
    check_slot_tensor("sgd_step", i, slots[i].param, slots[i].grad, "gradient");
    if (scalars.momentum != 0)
      check_slot_tensor("sgd_step", i, slots[i].param, slots[i].momentum_buffer, "momentum buffer");
  }
  by_device("sgd_step", device, [&] { cpu::sgd_step(slots, scalars); },
            [&] { cuda::sgd_step(slots, scalars); });
}

void adam_step(const std::vector<AdamSlot>& slots, const optim_rule::AdamScalars& scalars) {
  if (slots.empty()) return;
  Device device = slots[0].param.device();
  for (size_t i = 0; i < slots.size(); ++i) {
    check_param("adam_step", i, slots[i].param, device);
    check_slot_tensor("adam_step", i, slots[i].param, slots[i].grad, "gradient");
    check_slot_tensor("adam_step", i, slots[i].param, slots[i].exp_avg, "exp_avg");
    check_slot_tensor("adam_step", i, slots[i].param, slots[i].exp_avg_sq, "exp_avg_sq");
    SEMISAM_CHECK(slots[i].step >= 1, "adam_step: step ", slots[i].step, " of parameter ", i,
                  " must be at least 1");
  }
  by_device("adam_step", device, [&] { cpu::adam_step(slots, scalars); },
            [&] { cuda::adam_step(slots, scalars); });
}

}  // namespace semisam::ops

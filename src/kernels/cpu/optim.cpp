// CPU reference of the optimiser updates: the shared per-element rules over each tensor.
#include "kernels/optim.h"

#include "tensor/parallel.h"

namespace semisam::ops::cpu {
namespace {

template <typename Fn>
void by_param_dtype(DType dtype, Fn&& fn) {
  if (dtype == DType::Float64)
    fn(double{});
  else
    fn(float{});
}

}  // namespace

void sgd_step(const std::vector<SgdSlot>& slots, const optim_rule::SgdScalars& s) {
  for (const SgdSlot& slot : slots)
    by_param_dtype(slot.param.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T* p = slot.param.data<T>();
      const T* g = slot.grad.data<T>();
      T unused = T(0);
      T* buf = s.momentum != 0 ? slot.momentum_buffer.data<T>() : nullptr;
      parallel_for(slot.param.numel(), int64_t(1) << 15, [&](int64_t i0, int64_t i1) {
        T unused_local = unused;
        for (int64_t i = i0; i < i1; ++i)
          optim_rule::sgd<T>(p[i], g[i], buf ? buf[i] : unused_local, slot.first, s);
      });
    });
}

void adam_step(const std::vector<AdamSlot>& slots, const optim_rule::AdamScalars& s) {
  for (const AdamSlot& slot : slots)
    by_param_dtype(slot.param.dtype(), [&](auto tag) {
      using T = decltype(tag);
      double step_size, bias2_sqrt;
      optim_rule::adam_corrections(s, slot.step, step_size, bias2_sqrt);
      T* p = slot.param.data<T>();
      const T* g = slot.grad.data<T>();
      T* m = slot.exp_avg.data<T>();
      T* v = slot.exp_avg_sq.data<T>();
      parallel_for(slot.param.numel(), int64_t(1) << 15, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i)
          optim_rule::adam<T>(p[i], g[i], m[i], v[i], step_size, bias2_sqrt, s);
      });
    });
}

}  // namespace semisam::ops::cpu

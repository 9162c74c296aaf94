// Helpers shared by the test suites: random tensors, relative error, GPU skipping, poisoning.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/copy.h"
#include "kernels/random.h"
#include "tensor/device.h"
#include "tensor/memory.h"
#include "tensor/tensor.h"

namespace semisam::test {

#define SEMISAM_SKIP_WITHOUT_GPU()                                          \
  do {                                                                      \
    if (!::semisam::cuda_available())                                       \
      GTEST_SKIP() << "no CUDA device visible (CUDA checks run on the GPU machine)"; \
  } while (0)

// A CPU tensor of normal(0, 1) numbers from a fixed stream.
inline Tensor random_tensor(const Shape& shape, DType dtype, uint64_t seed) {
  Generator gen(seed);
  Tensor t = Tensor::empty(shape, dtype, Device::cpu());
  ops::normal_(t, gen);
  return t;
}

// ‖a − b‖ / ‖b‖ over all elements (in double); infinity when either holds a NaN or the shapes
// differ, so a NaN never passes.
inline double relative_error(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) return INFINITY;
  std::vector<double> va = ops::to_vector<double>(a), vb = ops::to_vector<double>(b);
  double num = 0, den = 0;
  for (size_t i = 0; i < va.size(); ++i) {
    if (std::isnan(va[i]) || std::isnan(vb[i])) return INFINITY;
    num += (va[i] - vb[i]) * (va[i] - vb[i]);
    den += vb[i] * vb[i];
  }
  if (den == 0) return std::sqrt(num);
  return std::sqrt(num / den);
}

// Turns allocation poisoning on for the scope of a test.
class PoisonGuard {
 public:
  PoisonGuard() : previous_(allocation_poison()) { set_allocation_poison(true); }
  ~PoisonGuard() { set_allocation_poison(previous_); }

 private:
  bool previous_;
};

}  // namespace semisam::test

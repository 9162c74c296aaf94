// Helpers of the fused method-kernel tests: exact comparisons, inputs with ties, the thread count.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "tensor/parallel.h"

namespace semisam::test {

// Restores the thread count a test changed.
class ThreadsGuard {
 public:
  ThreadsGuard() : previous_(cpu_threads()) {}
  ~ThreadsGuard() { set_cpu_threads(previous_); }

 private:
  int previous_;
};

// Same shape, dtype and bytes (so -0 ≠ +0 and NaNs compare by payload).
inline bool bit_equal(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) return false;
  const Tensor x = ops::contiguous(ops::to_device(a, Device::cpu()));
  const Tensor y = ops::contiguous(ops::to_device(b, Device::cpu()));
  return std::memcmp(x.data_ptr(), y.data_ptr(), x.nbytes()) == 0;
}

// Normal numbers rounded to multiples of `step`: with a coarse step many values coincide, so
// softmax outputs, scores and votes tie often.
inline Tensor coarse_tensor(const Shape& shape, uint64_t seed, float step) {
  std::vector<float> v = ops::to_vector<float>(random_tensor(shape, DType::Float32, seed));
  for (float& x : v) x = step * std::round(x / step);
  return Tensor::from_vector(v, shape);
}

// uint8 labels in [0, classes) drawn from `allowed` (so some classes can be absent).
inline Tensor random_labels(const Shape& shape, const std::vector<uint8_t>& allowed,
                            uint64_t seed) {
  std::vector<float> r = ops::to_vector<float>(random_tensor(shape, DType::Float32, seed));
  std::vector<uint8_t> v(r.size());
  for (size_t i = 0; i < r.size(); ++i) {
    const double u = 0.5 * (1.0 + std::erf(double(r[i]) / std::sqrt(2.0)));  // uniform (0, 1)
    v[i] = allowed[std::min(allowed.size() - 1, size_t(u * double(allowed.size())))];
  }
  return Tensor::from_vector(v, shape);
}

}  // namespace semisam::test

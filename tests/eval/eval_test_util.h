// Helpers of the eval tests: random masks, host/device copies, deviation tracking.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "eval/spacing.h"
#include "tensor/memory.h"
#include "tensor/tensor.h"

namespace semisam::eval::testing {

// A copy of `t` (contiguous) on `device`.
inline Tensor to_device(const Tensor& t, Device device) {
  Tensor out = Tensor::empty(t.shape(), t.dtype(), device);
  copy_bytes(out.data_ptr(), device, t.data_ptr(), t.device(), t.nbytes());
  return out;
}

template <typename T>
std::vector<T> host_values(const Tensor& t) {
  std::vector<T> v(size_t(t.numel()));
  copy_bytes(v.data(), Device::cpu(), t.data_ptr(), t.device(), t.nbytes());
  return v;
}

// Random mask with roughly `density` foreground, made blobby by thresholding a box-smoothed field.
inline Tensor random_mask(const Shape& shape, double density, uint32_t seed, int smooth = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int64_t nx = shape[0], ny = shape[1], nz = shape[2];
  std::vector<double> f(size_t(nx * ny * nz));
  for (double& v : f) v = u(rng);
  std::vector<double> g(f.size());
  for (int64_t x = 0; x < nx; ++x)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t z = 0; z < nz; ++z) {
        double s = 0;
        int c = 0;
        for (int64_t a = std::max<int64_t>(0, x - smooth); a <= std::min(nx - 1, x + smooth); ++a)
          for (int64_t b = std::max<int64_t>(0, y - smooth); b <= std::min(ny - 1, y + smooth); ++b)
            for (int64_t d = std::max<int64_t>(0, z - smooth); d <= std::min(nz - 1, z + smooth);
                 ++d, ++c)
              s += f[size_t((a * ny + b) * nz + d)];
        g[size_t((x * ny + y) * nz + z)] = s / c;
      }
  std::vector<double> sorted = g;
  std::sort(sorted.begin(), sorted.end());
  const double threshold = sorted[size_t(double(sorted.size() - 1) * (1.0 - density))];
  Tensor t = Tensor::empty(shape, DType::UInt8);
  for (size_t i = 0; i < g.size(); ++i) t.data<uint8_t>()[i] = g[i] > threshold ? 1 : 0;
  return t;
}

// Largest absolute and relative deviation seen by one test, printed at its end.
struct Deviation {
  std::string what;
  double max_abs = 0.0, max_rel = 0.0;
  explicit Deviation(std::string w) : what(std::move(w)) {}
  // Whether got is within rel_tol of want (relative to max(1, |want|)); infinities must match.
  bool add(double got, double want, double rel_tol) {
    if (std::isinf(want) || std::isinf(got)) return got == want;
    if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
    const double abs = std::fabs(got - want);
    const double rel = abs / std::max(1.0, std::fabs(want));
    max_abs = std::max(max_abs, abs);
    max_rel = std::max(max_rel, rel);
    return rel <= rel_tol;
  }
  ~Deviation() {
    std::cout << "[ deviation ] " << what << ": max abs " << max_abs << ", max rel " << max_rel
              << "\n";
  }
};

}  // namespace semisam::eval::testing

// NumPy-faithful statistics: the rounding of medpy's asd/hd95 depends on how numpy sums and
// interpolates, so the order of operations here follows numpy's C and Python code.
#include "eval/numpy_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tensor/error.h"

namespace semisam::eval {

double numpy_sum(const double* a, size_t n) {
  constexpr size_t kBlock = 128;  // numpy's PW_BLOCKSIZE
  if (n < 8) {
    double res = 0.0;  // numpy adds into the reduction's identity, 0 (also for n == 0)
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= kBlock) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t half = n / 2;
  half -= half % 8;
  return numpy_sum(a, half) + numpy_sum(a + half, n - half);
}

double numpy_mean(const std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  // numpy.sum starts from the identity 0 and adds the pairwise sum of the whole array.
  return (0.0 + numpy_sum(values.data(), values.size())) / double(values.size());
}

double numpy_std(const std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double mean = numpy_mean(values);
  std::vector<double> squares(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const double d = values[i] - mean;
    squares[i] = d * d;
  }
  return std::sqrt(numpy_mean(squares));
}

double numpy_percentile(std::vector<double>& values, double q) {
  SEMISAM_CHECK(!values.empty(), "numpy_percentile: no values");
  SEMISAM_CHECK(q >= 0.0 && q <= 100.0, "numpy_percentile: q must be in [0, 100], got ", q);
  const double quantile = q / 100.0;
  const size_t n = values.size();
  const double virtual_index = double(n - 1) * quantile;
  size_t prev = size_t(std::floor(virtual_index));
  size_t next = prev + 1;
  if (virtual_index >= double(n - 1)) prev = next = n - 1;
  // gamma uses the unclamped floor; where both neighbours are the last value it cannot matter.
  const double gamma = virtual_index - std::floor(virtual_index);
  std::nth_element(values.begin(), values.begin() + ptrdiff_t(prev), values.end());
  const double a = values[prev];
  const double b = next == prev ? a
                                : *std::min_element(values.begin() + ptrdiff_t(prev) + 1,
                                                    values.end());
  const double diff = b - a;
  return gamma >= 0.5 ? b - diff * (1.0 - gamma) : a + diff * gamma;
}

}  // namespace semisam::eval

// NumPy's summation, mean, population standard deviation and linear-interpolation percentile,
// reproduced operation for operation so that metrics round exactly as medpy's do.
#pragma once

#include <cstddef>
#include <vector>

namespace semisam::eval {

// numpy.sum of a contiguous float64 array: pairwise summation in blocks of 128 with 8 partial sums.
double numpy_sum(const double* values, size_t n);
// numpy.mean: numpy_sum / n (NaN for no values, as numpy).
double numpy_mean(const std::vector<double>& values);
// numpy.std with ddof=0 (population): sqrt(mean((x - mean)^2)).
double numpy_std(const std::vector<double>& values);
// numpy.percentile(values, q) with the default method 'linear'; q in [0, 100]. Reorders `values`.
// Throws on an empty input (numpy raises there too).
double numpy_percentile(std::vector<double>& values, double q);

}  // namespace semisam::eval

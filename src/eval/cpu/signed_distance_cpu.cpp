// CPU reference of the DTC signed distance map of one sample: two exact EDTs, the inner boundary,
// and the min-max normalisation in the order numpy evaluates the reference's expression.
#include "eval/cpu/signed_distance_cpu.h"

#include <algorithm>
#include <vector>

#include "eval/cpu/edt_cpu.h"
#include "eval/cpu/surface_cpu.h"

namespace semisam::eval::cpu {

void signed_distance_sample(const uint8_t* mask, Extent e, const Spacing& spacing, double* out) {
  const int64_t n = e.numel();
  const int64_t foreground = std::count_if(mask, mask + n, [](uint8_t v) { return v != 0; });
  if (foreground == 0 || foreground == n) {
    std::fill(out, out + n, 0.0);
    return;
  }
  std::vector<double> posdis(size_t(n), 0.0), negdis(size_t(n), 0.0);
  std::vector<uint8_t> boundary(static_cast<size_t>(n));
  squared_distance_to_sources(mask, false, e, spacing, posdis.data());
  squared_distance_to_sources(mask, true, e, spacing, negdis.data());
  sqrt_inplace(posdis.data(), n);
  sqrt_inplace(negdis.data(), n);
  face_boundary(mask, e, false, boundary.data());
  const auto [pmin, pmax] = std::minmax_element(posdis.begin(), posdis.end());
  const auto [nmin, nmax] = std::minmax_element(negdis.begin(), negdis.end());
  const double pdenom = (*pmax - *pmin) + 1e-8, ndenom = (*nmax - *nmin) + 1e-8;
  const double plo = *pmin, nlo = *nmin;
  for (int64_t i = 0; i < n; ++i)
    out[i] = boundary[size_t(i)] ? 0.0 : (negdis[size_t(i)] - nlo) / ndenom -
                                             (posdis[size_t(i)] - plo) / pdenom;
}

}  // namespace semisam::eval::cpu

// Entry point of the EMA update: pairwise checks, then one backend call for the whole set.
#include "kernels/ema.h"

#include "kernels/dispatch.h"

namespace semisam::ops {

void ema_update(const std::vector<Tensor>& targets, const std::vector<Tensor>& sources,
                double alpha) {
  SEMISAM_CHECK(targets.size() == sources.size(), "ema_update: ", targets.size(), " targets but ",
                sources.size(), " sources");
  if (targets.empty()) return;
  Device device = targets[0].device();
  for (size_t i = 0; i < targets.size(); ++i) {
    const Tensor& t = targets[i];
    const Tensor& s = sources[i];
    SEMISAM_CHECK(t.defined() && s.defined(), "ema_update: pair ", i, " holds an undefined tensor");
    SEMISAM_CHECK(t.shape() == s.shape() && t.dtype() == s.dtype() && t.device() == s.device(),
                  "ema_update: pair ", i, ": target ", t.str(), " and source ", s.str(),
                  " differ");
    SEMISAM_CHECK(t.is_contiguous() && s.is_contiguous(), "ema_update: pair ", i,
                  " is not contiguous");
    SEMISAM_CHECK(t.device() == device, "ema_update: pair ", i, " is on ", t.device().str(),
                  ", the first on ", device.str());
    SEMISAM_CHECK(t.dtype() == DType::Float32 || (t.dtype() == DType::Float64 && device.is_cpu()),
                  "ema_update: pair ", i, " is ", t.str(),
                  "; parameters are float32 (float64 only on the CPU)");
  }
  by_device("ema_update", device, [&] { cpu::ema_update(targets, sources, alpha); },
            [&] { cuda::ema_update(targets, sources, alpha); });
}

}  // namespace semisam::ops

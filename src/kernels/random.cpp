// Entry points of the random fills: checks and stream reservation.
#include "kernels/random.h"

#include "kernels/dispatch.h"

namespace semisam::ops {
namespace {
void check_target(const char* op, const Tensor& t) {
  check_floating(op, t);
  SEMISAM_CHECK(t.is_contiguous(), op, ": needs a contiguous tensor, got ", t.str());
}
}  // namespace

void uniform_(const Tensor& t, Generator& gen, double low, double high) {
  check_target("uniform_", t);
  uint64_t offset = gen.reserve(uint64_t(t.numel()));
  by_device("uniform_", t.device(), [&] { cpu::uniform(t, gen.seed(), offset, low, high); },
            [&] { cuda::uniform(t, gen.seed(), offset, low, high); });
}

void normal_(const Tensor& t, Generator& gen, double mean, double std) {
  check_target("normal_", t);
  uint64_t offset = gen.reserve(uint64_t(t.numel()));
  by_device("normal_", t.device(), [&] { cpu::normal(t, gen.seed(), offset, mean, std); },
            [&] { cuda::normal(t, gen.seed(), offset, mean, std); });
}

}  // namespace semisam::ops

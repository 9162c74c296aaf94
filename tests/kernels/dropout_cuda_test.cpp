// Dropout masks are identical on CUDA and the CPU (same Philox elements), for elementwise and
// channel dropout, in float32 and bfloat16. Skips without a GPU.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/dropout.h"

namespace semisam {
namespace {

TEST(DropoutCuda, MasksMatchCpuExactly) {
  SEMISAM_SKIP_WITHOUT_GPU();
  test::PoisonGuard poison;
  for (DType dtype : {DType::Float32, DType::BFloat16})
    for (int64_t group : {int64_t(1), int64_t(16 * 16 * 16)}) {
      Tensor x = ops::cast(test::random_tensor({2, 16, 16, 16, 16}, DType::Float32, 50), dtype);
      Tensor cpu = ops::dropout(x, 0.3, 1234, 999, group);
      Tensor gpu = ops::dropout(ops::to_device(x, Device::cuda()), 0.3, 1234, 999, group);
      // Same decisions and the same float arithmetic: bit-identical results.
      EXPECT_EQ(ops::to_vector<float>(gpu), ops::to_vector<float>(cpu))
          << dtype_name(dtype) << " group " << group;
    }
}

}  // namespace
}  // namespace semisam

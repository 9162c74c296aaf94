// Activations and softmax, CUDA against the CPU reference in float32 and bfloat16, values and
// gradients, including the kink values at exactly 0. Skips without a GPU.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "kernels/activation.h"
#include "kernels/copy.h"
#include "kernels/softmax.h"

namespace semisam {
namespace {

double tolerance(DType dtype) { return dtype == DType::Float32 ? 1e-5 : 1e-2; }
Tensor gpu(const Tensor& t) { return ops::to_device(t, Device::cuda()); }
Tensor host(const Tensor& t) { return ops::to_device(t, Device::cpu()); }

TEST(ActivationCuda, MatchesCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  test::PoisonGuard poison;
  using A = ops::Activation;
  for (A a : {A::ReLU, A::LeakyReLU, A::GELU, A::Tanh, A::Sigmoid})
    for (DType dtype : {DType::Float32, DType::BFloat16}) {
      Tensor x = ops::cast(test::random_tensor({3, 1001}, DType::Float32, 30), dtype);
      // Put exact zeros in so the kink conventions are compared too.
      ops::fill_(x.narrow(1, 0, 10), 0.0);
      Tensor g = ops::cast(test::random_tensor({3, 1001}, DType::Float32, 31), dtype);
      Tensor x64 = ops::cast(x, DType::Float64), g64 = ops::cast(g, DType::Float64);
      Tensor ref = ops::activation(a, x64);
      Tensor dref = ops::activation_backward(a, g64, ops::activation_saves_output(a) ? ref : x64);
      Tensor y = ops::activation(a, gpu(x));
      Tensor dy = ops::activation_backward(a, gpu(g), ops::activation_saves_output(a) ? y : gpu(x));
      std::string what = std::string(ops::activation_name(a)) + " " + dtype_name(dtype);
      EXPECT_LT(test::relative_error(host(y), ref), tolerance(dtype)) << what;
      EXPECT_LT(test::relative_error(host(dy), dref), tolerance(dtype)) << what;
    }
}

TEST(SoftmaxCuda, MatchesCpuOverChannelsAndRows) {
  SEMISAM_SKIP_WITHOUT_GPU();
  test::PoisonGuard poison;
  struct Case {
    Shape shape;
    int64_t axis;
  };
  for (const Case& c : {Case{{2, 2, 16, 16, 16}, 1}, Case{{2, 5, 7, 3}, 1},
                        Case{{12, 64, 2744}, -1}, Case{{3, 5}, -1}})
    for (DType dtype : {DType::Float32, DType::BFloat16})
      for (bool log : {false, true}) {
        Tensor x = ops::cast(test::random_tensor(c.shape, DType::Float32, 40), dtype);
        Tensor g = ops::cast(test::random_tensor(c.shape, DType::Float32, 41), dtype);
        Tensor x64 = ops::cast(x, DType::Float64), g64 = ops::cast(g, DType::Float64);
        Tensor ref = log ? ops::log_softmax(x64, c.axis) : ops::softmax(x64, c.axis);
        Tensor dref = log ? ops::log_softmax_backward(g64, ref, c.axis)
                          : ops::softmax_backward(g64, ref, c.axis);
        Tensor y = log ? ops::log_softmax(gpu(x), c.axis) : ops::softmax(gpu(x), c.axis);
        Tensor dy = log ? ops::log_softmax_backward(gpu(g), y, c.axis)
                        : ops::softmax_backward(gpu(g), y, c.axis);
        std::string what = shape_str(c.shape) + (log ? " log " : " ") + dtype_name(dtype);
        EXPECT_LT(test::relative_error(host(y), ref), tolerance(dtype)) << what;
        EXPECT_LT(test::relative_error(host(dy), dref), tolerance(dtype)) << what;
      }
}

}  // namespace
}  // namespace semisam

// Losses, CUDA against the CPU reference: values, saved sums and gradients in float32 and
// bfloat16, the U-Net's 2×2×128³ output, labels as uint8 and int64, determinism. Skips without a
// GPU.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/loss.h"

namespace semisam {
namespace {

double tolerance(DType dtype) { return dtype == DType::Float32 ? 1e-5 : 1e-2; }
Tensor gpu(const Tensor& t) { return ops::to_device(t, Device::cuda()); }
Tensor host(const Tensor& t) { return ops::to_device(t, Device::cpu()); }

// Labels in [0, classes) from a uniform stream.
Tensor random_labels(const Shape& shape, int64_t classes, DType dtype, uint64_t seed) {
  Generator gen(seed);
  Tensor u = Tensor::empty(shape, DType::Float32);
  ops::uniform_(u, gen, 0.0, double(classes) - 1e-3);
  std::vector<float> v = ops::to_vector<float>(u);
  std::vector<int64_t> l(v.begin(), v.end());
  return ops::cast(Tensor::from_vector<int64_t>(l, shape), dtype);
}

void check_class_losses(const Shape& shape, DType dtype, DType label_dtype, uint64_t seed) {
  test::PoisonGuard poison;
  Shape label_shape = shape;
  label_shape.erase(label_shape.begin() + 1);
  Tensor x = ops::cast(test::random_tensor(shape, DType::Float32, seed), dtype);
  Tensor labels = random_labels(label_shape, shape[1], label_dtype, seed + 1);
  Tensor x64 = ops::cast(x, DType::Float64);
  Tensor one64 = ops::full({}, 0.75, DType::Float64), one = ops::full({}, 0.75, DType::Float32, Device::cuda());
  std::string what = shape_str(shape) + " " + dtype_name(dtype) + " " + dtype_name(label_dtype);

  Tensor ce_ref = ops::cross_entropy(x64, labels);
  Tensor ce = ops::cross_entropy(gpu(x), gpu(labels));
  EXPECT_LT(test::relative_error(host(ce), ce_ref), 1e-5) << what;
  EXPECT_LT(test::relative_error(host(ops::cross_entropy_backward(one, gpu(x), gpu(labels))),
                                 ops::cross_entropy_backward(one64, x64, labels)),
            tolerance(dtype))
      << what;

  ops::LossResult dice_ref = ops::dice_loss(x64, labels);
  ops::LossResult dice = ops::dice_loss(gpu(x), gpu(labels));
  EXPECT_LT(test::relative_error(host(dice.loss), dice_ref.loss), 1e-5) << what;
  EXPECT_LT(test::relative_error(host(dice.sums), dice_ref.sums), 1e-5) << what;
  EXPECT_LT(test::relative_error(
                host(ops::dice_loss_backward(one, gpu(x), gpu(labels), dice.sums)),
                ops::dice_loss_backward(one64, x64, labels, dice_ref.sums)),
            tolerance(dtype))
      << what;
}

TEST(LossCuda, CrossEntropyAndDiceMatchCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  for (DType dtype : {DType::Float32, DType::BFloat16}) {
    check_class_losses({2, 3, 5, 7, 9}, dtype, DType::UInt8, 60);
    check_class_losses({1, 2, 40, 40, 40}, dtype, DType::Int64, 61);
  }
}

TEST(LossCuda, UNetOutputShape) {
  SEMISAM_SKIP_WITHOUT_GPU();
  check_class_losses({2, 2, 128, 128, 128}, DType::Float32, DType::UInt8, 62);
  check_class_losses({2, 2, 128, 128, 128}, DType::BFloat16, DType::UInt8, 63);
}

TEST(LossCuda, BinaryDiceAndPairLossesMatchCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  test::PoisonGuard poison;
  struct Case {
    Shape probs, labels;
  };
  for (const Case& c : {Case{{1, 2, 8, 9, 10}, {1, 8, 9, 10}}, Case{{2, 2, 6, 6, 6}, {2, 6, 6, 6}},
                        Case{{3, 1, 5, 5, 5}, {2, 5, 5, 5}}})
    for (DType dtype : {DType::Float32, DType::BFloat16}) {
      Tensor p = ops::cast(ops::abs(test::random_tensor(c.probs, DType::Float32, 70)), dtype);
      Tensor labels = random_labels(c.labels, 3, DType::UInt8, 71);
      Tensor p64 = ops::cast(p, DType::Float64);
      Tensor one64 = ops::full({}, 1.0, DType::Float64);
      Tensor one = ops::full({}, 1.0, DType::Float32, Device::cuda());
      std::string what = shape_str(c.probs) + " " + dtype_name(dtype);
      ops::LossResult ref = ops::binary_dice_loss(p64, labels);
      ops::LossResult r = ops::binary_dice_loss(gpu(p), gpu(labels));
      EXPECT_LT(test::relative_error(host(r.loss), ref.loss), 1e-5) << what;
      EXPECT_LT(test::relative_error(host(r.sums), ref.sums), 1e-5) << what;
      EXPECT_LT(test::relative_error(
                    host(ops::binary_dice_loss_backward(one, gpu(p), gpu(labels), r.sums)),
                    ops::binary_dice_loss_backward(one64, p64, labels, ref.sums)),
                tolerance(dtype))
          << what;

      Tensor q = ops::cast(test::random_tensor(c.probs, DType::Float32, 72), dtype);
      Tensor q64 = ops::cast(q, DType::Float64);
      for (ops::PairLoss kind : {ops::PairLoss::MSE, ops::PairLoss::L1}) {
        EXPECT_LT(test::relative_error(host(ops::pair_loss(kind, gpu(p), gpu(q))),
                                       ops::pair_loss(kind, p64, q64)),
                  1e-5)
            << what;
        EXPECT_LT(test::relative_error(host(ops::pair_loss_backward(kind, one, gpu(p), gpu(q))),
                                       ops::pair_loss_backward(kind, one64, p64, q64)),
                  tolerance(dtype))
            << what;
      }
    }
}

TEST(LossCuda, LossesAreDeterministic) {
  SEMISAM_SKIP_WITHOUT_GPU();
  Tensor x = gpu(test::random_tensor({2, 2, 64, 64, 64}, DType::Float32, 80));
  Tensor labels = gpu(random_labels({2, 64, 64, 64}, 2, DType::UInt8, 81));
  double a = ops::item(ops::dice_loss(x, labels).loss), b = ops::item(ops::dice_loss(x, labels).loss);
  EXPECT_EQ(a, b);
  EXPECT_EQ(ops::item(ops::cross_entropy(x, labels)), ops::item(ops::cross_entropy(x, labels)));
}

}  // namespace
}  // namespace semisam

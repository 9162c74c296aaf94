// Linear layer: gradient checks for matrix and batched inputs, the Linear module's names, shapes
// and PyTorch's default initialisation bound, and batched matmul as attention uses it.
#include <gtest/gtest.h>

#include <cmath>

#include "common/gradcheck.h"
#include "layers/linear.h"

namespace semisam {
namespace {

using Vars = std::vector<ag::Variable>;

TEST(LinearGrad, MatrixAndBatchedInputs) {
  Tensor w = test::random_tensor({3, 4}, DType::Float64, 1);
  Tensor b = test::random_tensor({3}, DType::Float64, 2);
  Tensor x = test::random_tensor({5, 4}, DType::Float64, 3);
  auto f = [](const Vars& v) { return layers::linear(v[0], v[1], v[2]); };
  EXPECT_LT(test::gradcheck(f, {x, w, b}), 1e-7);
  Tensor xb = test::random_tensor({2, 3, 4}, DType::Float64, 4);
  EXPECT_LT(test::gradcheck(f, {xb, w, b}), 1e-7);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return layers::linear(v[0], v[1], {}); }, {x, w}),
            1e-7);
}

TEST(LinearGrad, KnownValue) {
  // y = x·Wᵀ + b: [1, 2]·[[1, 0], [2, −1]]ᵀ + [0.5, 0] = [1.5, 0].
  ag::Variable x(Tensor::from_vector<double>({1, 2}, {1, 2}));
  ag::Variable w(Tensor::from_vector<double>({1, 0, 2, -1}, {2, 2}));
  ag::Variable b(Tensor::from_vector<double>({0.5, 0}, {2}));
  EXPECT_EQ(ops::to_vector<double>(layers::linear(x, w, b).value()), (std::vector<double>{1.5, 0}));
  EXPECT_THROW(layers::linear(ag::Variable(Tensor::zeros({1, 3}, DType::Float64)), w, b), Error);
}

TEST(LinearGrad, ModuleNamesShapesAndInit) {
  Generator gen(7);
  layers::Linear fc(512, 2, gen);
  auto named = fc.named_parameters();
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].first, "weight");
  EXPECT_EQ(named[0].second.shape(), (Shape{2, 512}));
  EXPECT_EQ(named[1].first, "bias");
  double bound = 1.0 / std::sqrt(512.0), largest = 0;
  for (float v : ops::to_vector<float>(fc.weight().value())) largest = std::max(largest, double(std::abs(v)));
  EXPECT_LE(largest, bound);
  EXPECT_GT(largest, 0.9 * bound);  // 1024 uniform draws reach close to the bound
  layers::Linear no_bias(4, 3, gen, false);
  EXPECT_EQ(no_bias.named_parameters().size(), 1u);
  EXPECT_EQ(fc.forward(ag::Variable(Tensor::zeros({3, 512}, DType::Float32))).shape(), (Shape{3, 2}));
}

TEST(LinearGrad, BatchedMatmulForAttention) {
  // softmax(q·kᵀ)·v pieces: both products batched over heads.
  Tensor q = test::random_tensor({2, 3, 4}, DType::Float64, 8);
  Tensor k = test::random_tensor({2, 5, 4}, DType::Float64, 9);
  EXPECT_LT(test::gradcheck([](const Vars& v) { return ag::matmul(v[0], v[1], false, true); },
                            {q, k}),
            1e-7);
}

}  // namespace
}  // namespace semisam

// Dropout as a differentiable op: gradient check with a replayed mask, evaluation-mode identity,
// stream consumption of the generator.
#include <gtest/gtest.h>

#include "common/gradcheck.h"
#include "layers/dropout.h"

namespace semisam {
namespace {

using Vars = std::vector<ag::Variable>;

TEST(DropoutGrad, GradientReplaysTheMask) {
  // A fresh generator per call makes every evaluation use the same mask.
  Tensor x = test::random_tensor({2, 3, 4, 2}, DType::Float64, 1);
  EXPECT_LT(test::gradcheck(
                [](const Vars& v) {
                  Generator gen(5);
                  return layers::dropout(v[0], 0.4, true, gen);
                },
                {x}),
            1e-8);
  EXPECT_LT(test::gradcheck(
                [](const Vars& v) {
                  Generator gen(6);
                  return layers::channel_dropout(v[0], 0.5, true, gen);
                },
                {x}),
            1e-8);
}

TEST(DropoutGrad, GradientIsZeroWhereDroppedAndScaledWhereKept) {
  Generator gen(3);
  ag::Variable x(test::random_tensor({1000}, DType::Float64, 2), true);
  ag::Variable y = layers::dropout(x, 0.3, true, gen);
  ag::sum(y).backward();
  std::vector<double> yv = ops::to_vector<double>(y.value()), g = ops::to_vector<double>(x.grad());
  for (size_t i = 0; i < g.size(); ++i) EXPECT_EQ(g[i], yv[i] == 0 ? 0.0 : 1.0 / 0.7) << i;
}

TEST(DropoutGrad, EvaluationModeIsIdentityAndDrawsNothing) {
  Generator gen(3, 10);
  ag::Variable x(test::random_tensor({2, 3, 4, 4}, DType::Float32, 2));
  EXPECT_TRUE(layers::dropout(x, 0.3, false, gen).value().shares_storage(x.value()));
  EXPECT_TRUE(layers::channel_dropout(x, 0.5, false, gen).value().shares_storage(x.value()));
  EXPECT_EQ(gen.offset(), 10u);
  layers::dropout(x, 0.3, true, gen);
  EXPECT_EQ(gen.offset(), 10u + 96u);  // one element per value
  layers::channel_dropout(x, 0.5, true, gen);
  EXPECT_EQ(gen.offset(), 10u + 96u + 6u);  // one element per (sample, channel)
}

}  // namespace
}  // namespace semisam

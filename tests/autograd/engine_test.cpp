// The backward engine: accumulation over shared inputs, leaves across passes, no-grad scope,
// detach, and errors.
#include <gtest/gtest.h>

#include "autograd/ops.h"
#include "kernels/copy.h"

namespace semisam {
namespace {

using ag::Variable;

Variable leaf(std::vector<double> v, bool grad = true) {
  Shape s{int64_t(v.size())};
  return Variable(Tensor::from_vector(v, s), grad, "x");
}

TEST(Engine, DiamondAccumulatesBothPaths) {
  Variable x = leaf({2, 3});
  Variable y = ag::mul(x, x);        // dy/dx = 2x
  Variable z = ag::add(y, ag::mul(x, 3.0));  // + 3
  ag::sum(z).backward();
  EXPECT_EQ(ops::to_vector<double>(x.grad()), (std::vector<double>{7, 9}));
}

TEST(Engine, LeafGradientsAccumulateAcrossPassesUntilZeroed) {
  Variable x = leaf({1});
  ag::sum(ag::mul(x, 2.0)).backward();
  ag::sum(ag::mul(x, 2.0)).backward();
  EXPECT_EQ(ops::item(x.grad()), 4.0);
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
}

TEST(Engine, NoGradScopeRecordsNothing) {
  Variable x = leaf({1, 2});
  Variable y;
  {
    ag::NoGradGuard guard;
    EXPECT_FALSE(ag::grad_enabled());
    y = ag::mul(x, x);
  }
  EXPECT_TRUE(ag::grad_enabled());
  EXPECT_FALSE(y.requires_grad());
  EXPECT_THROW(ag::sum(y).backward(), Error);
}

TEST(Engine, DetachCutsTheGraph) {
  Variable x = leaf({3});
  Variable y = ag::mul(ag::mul(x, x).detach(), x);  // treats x² as a constant: d/dx = x²
  ag::sum(y).backward();
  EXPECT_EQ(ops::item(x.grad()), 9.0);
}

TEST(Engine, OnlyInputsThatRequireGradReceiveOne) {
  Variable x = leaf({1, 2});
  Variable c = leaf({5, 5}, false);
  ag::sum(ag::mul(x, c)).backward();
  EXPECT_EQ(ops::to_vector<double>(x.grad()), (std::vector<double>{5, 5}));
  EXPECT_FALSE(c.grad().defined());
}

TEST(Engine, ParametersCarryNames) {
  Variable w = ag::parameter(Tensor::zeros({2}, DType::Float32), "conv1.conv1.0.weight");
  EXPECT_EQ(w.name(), "conv1.conv1.0.weight");
  EXPECT_TRUE(w.requires_grad());
  EXPECT_TRUE(w.is_leaf());
  EXPECT_THROW(ag::parameter(Tensor::zeros({2}, DType::Int32), "counts"), Error);
}

TEST(Engine, ImplicitSeedOnlyForOneElementOutputs) {
  Variable x = leaf({1, 2});
  EXPECT_THROW(ag::mul(x, 2.0).backward(), Error);
  ag::mul(x, 2.0).backward(ops::full({2}, 1.0, DType::Float64));
  EXPECT_EQ(ops::to_vector<double>(x.grad()), (std::vector<double>{2, 2}));
}

TEST(Engine, LongChainsDoNotOverflowTheStack) {
  Variable x = leaf({1});
  Variable y = x;
  for (int i = 0; i < 20000; ++i) y = ag::add(y, 1.0);
  ag::sum(y).backward();
  EXPECT_EQ(ops::item(x.grad()), 1.0);
}

}  // namespace
}  // namespace semisam

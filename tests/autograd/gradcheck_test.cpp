// Finite-difference gradient checks (float64, CPU) for every differentiable op of src/autograd.
#include "common/gradcheck.h"

namespace semisam {
namespace {

using ag::Variable;
using Vars = std::vector<Variable>;
using test::gradcheck;
using test::random_tensor;

constexpr double kTol = 1e-6;

Tensor rnd(const Shape& s, uint64_t seed) { return random_tensor(s, DType::Float64, seed); }
// Values in [0.5, 1.5] or so: away from the kinks and poles of log, sqrt, div, abs.
Tensor positive(const Shape& s, uint64_t seed) { return ops::add(ops::abs(rnd(s, seed)), 0.5); }

TEST(GradCheck, AddSubMulDivWithBroadcasting) {
  Tensor a = rnd({2, 3, 4}, 1), b = positive({3, 1}, 2);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::add(v[0], v[1]); }, {a, b}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::sub(v[0], v[1]); }, {a, b}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::mul(v[0], v[1]); }, {a, b}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::div(v[0], v[1]); }, {a, b}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::div(v[1], v[0]); },
                      {positive({2, 3, 4}, 3), b}), kTol);
}

TEST(GradCheck, MaximumMinimumAwayFromTies) {
  Tensor a = rnd({3, 5}, 4);
  Tensor b = ops::add(a, ops::mul(ops::sign(rnd({3, 5}, 5)), 0.3));  // never within 0.3 of a
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::maximum(v[0], v[1]); }, {a, b}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::minimum(v[0], v[1]); }, {a, b}), kTol);
}

TEST(GradCheck, MaximumTieSendsGradientToFirstOperand) {
  Variable a(Tensor::from_vector(std::vector<double>{1, 2}, {2}), true);
  Variable b(Tensor::from_vector(std::vector<double>{1, 3}, {2}), true);
  ag::sum(ag::maximum(a, b)).backward();
  EXPECT_EQ(ops::to_vector<double>(a.grad()), (std::vector<double>{1, 0}));
  EXPECT_EQ(ops::to_vector<double>(b.grad()), (std::vector<double>{0, 1}));
}

TEST(GradCheck, ScalarForms) {
  Tensor a = positive({4, 3}, 6);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::add(v[0], 2.5); }, {a}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::mul(v[0], -1.5); }, {a}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::rsub(1.0, v[0]); }, {a}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::pow(v[0], 0.9); }, {a}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::pow(v[0], 3.0); }, {a}), kTol);
}

TEST(GradCheck, UnaryMath) {
  Tensor p = positive({5, 4}, 7);
  Tensor r = rnd({5, 4}, 8);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::neg(v[0]); }, {r}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::exp(v[0]); }, {r}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::log(v[0]); }, {p}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::sqrt(v[0]); }, {p}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::square(v[0]); }, {r}), kTol);
  // abs: inputs kept at least 0.5 away from the kink at 0, of both signs.
  Tensor signed_away = ops::mul(p, ops::sign(r));
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::abs(v[0]); }, {signed_away}), kTol);
}

TEST(GradCheck, AbsKinkHasZeroSubgradient) {
  Variable a(Tensor::from_vector(std::vector<double>{0, -2}, {2}), true);
  ag::sum(ag::abs(a)).backward();
  EXPECT_EQ(ops::to_vector<double>(a.grad()), (std::vector<double>{0, -1}));
}

TEST(GradCheck, Where) {
  Tensor cond = ops::compare_scalar(ops::CompareOp::Gt, rnd({3, 4}, 9), 0.0);
  EXPECT_LT(gradcheck([cond](const Vars& v) { return ag::where(cond, v[0], v[1]); },
                      {rnd({3, 4}, 10), rnd({4}, 11)}),
            kTol);
}

TEST(GradCheck, Reductions) {
  Tensor a = rnd({2, 3, 4}, 12);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::sum(v[0]); }, {a}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::sum(v[0], {0, 2}); }, {a}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::mean(v[0], {1}, true); }, {a}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::max(v[0], 1); }, {a}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::max(v[0], -1, true); }, {a}), kTol);
}

TEST(GradCheck, MaxTieSendsGradientToFirstMaximum) {
  Variable a(Tensor::from_vector(std::vector<double>{3, 1, 3}, {1, 3}), true);
  ag::sum(ag::max(a, 1)).backward();
  EXPECT_EQ(ops::to_vector<double>(a.grad()), (std::vector<double>{1, 0, 0}));
}

TEST(GradCheck, ShapeOps) {
  Tensor a = rnd({2, 3, 4}, 13);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::reshape(v[0], {4, -1}); }, {a}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::permute(v[0], {2, 0, 1}); }, {a}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::narrow(v[0], 2, 1, 2); }, {a}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::concat({v[0], v[1]}, 1); },
                      {a, rnd({2, 2, 4}, 14)}),
            kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::pad(v[0], {{1, 0}, {0, 2}, {-1, 1}}); }, {a}),
            kTol);
  EXPECT_LT(gradcheck([](const Vars& v) {
              return ag::cast(ag::mul(ag::cast(v[0], DType::Float32), 2.0), DType::Float64);
            }, {a}, 1e-3),
            1e-3);
}

TEST(GradCheck, Matmul) {
  Tensor a = rnd({2, 3, 4}, 15), b = rnd({2, 4, 5}, 16);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::matmul(v[0], v[1]); }, {a, b}), kTol);
  Tensor at = rnd({2, 4, 3}, 17), bt = rnd({2, 5, 4}, 18);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::matmul(v[0], v[1], true, true); }, {at, bt}),
            kTol);
  Tensor shared = rnd({4, 5}, 19), shared_t = rnd({5, 4}, 20);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::matmul(v[0], v[1]); }, {a, shared}), kTol);
  EXPECT_LT(gradcheck([](const Vars& v) { return ag::matmul(v[0], v[1], true, true); },
                      {at, shared_t}),
            kTol);
}

}  // namespace
}  // namespace semisam

// SGD and Adam against hand-computed PyTorch updates over three steps, state naming and
// restoring, skipping parameters without gradients, and the poly learning-rate schedule.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/copy.h"
#include "layers/lr.h"
#include "layers/optim.h"

namespace semisam {
namespace {

// Runs three steps on θ = [1, −2] with the given gradients per step; returns θ after each step.
template <typename Opt>
std::vector<std::vector<double>> run(Opt& opt, ag::Variable& p,
                                     const std::vector<std::vector<double>>& grads) {
  std::vector<std::vector<double>> out;
  for (const auto& g : grads) {
    p.set_grad(ops::cast(Tensor::from_vector<double>(g, {2}), p.dtype()));
    opt.step();
    out.push_back(ops::to_vector<double>(p.value()));
  }
  return out;
}

TEST(Sgd, ThreeStepsMatchPyTorchFormula) {
  // lr 0.1, momentum 0.9, weight decay 0.01, dampening 0. Element 0 (θ = 1, g = 0.5, −1, 0.25):
  //  1: d = 0.5 + 0.01·1 = 0.51; buf = d = 0.51; θ = 1 − 0.051 = 0.949
  //  2: d = −1 + 0.00949 = −0.99051; buf = 0.9·0.51 − 0.99051 = −0.53151; θ = 1.002151
  //  3: d = 0.25 + 0.01002151 = 0.26002151; buf = 0.9·(−0.53151) + d = −0.21833749;
  //     θ = 1.002151 + 0.021833749 = 1.023984749
  // Element 1 (θ = −2, g = 0 always, only weight decay acts):
  //  1: d = −0.02; buf = −0.02; θ = −1.998
  //  2: d = −0.01998; buf = −0.018 − 0.01998 = −0.03798; θ = −1.994202
  //  3: d = −0.01994202; buf = −0.034182 − 0.01994202 = −0.05412402; θ = −1.988789598
  std::vector<std::vector<double>> expected{{0.949, -1.998}, {1.002151, -1.994202},
                                            {1.023984749, -1.988789598}};
  for (DType dtype : {DType::Float64, DType::Float32}) {
    ag::Variable p = ag::parameter(ops::cast(Tensor::from_vector<double>({1, -2}, {2}), dtype), "w");
    layers::SGD opt({{"conv.weight", p}}, 0.1, {0.9, 0.0, 0.01, false});
    auto got = run(opt, p, {{0.5, 0}, {-1, 0}, {0.25, 0}});
    double tol = dtype == DType::Float64 ? 1e-12 : 1e-6;
    for (size_t s = 0; s < 3; ++s)
      for (size_t i = 0; i < 2; ++i) EXPECT_NEAR(got[s][i], expected[s][i], tol) << s << " " << i;
    auto state = opt.state();
    ASSERT_EQ(state.size(), 1u);
    EXPECT_EQ(state[0].first, "conv.weight.momentum_buffer");
    EXPECT_NEAR(ops::to_vector<double>(state[0].second)[0], -0.21833749, tol);
  }
}

TEST(Adam, ThreeStepsMatchPyTorchFormula) {
  // lr 0.1, β = (0.9, 0.999), eps 1e-8, no weight decay; m = lerp(m, g, 0.1),
  // v = 0.999·v + 0.001·g², θ −= (lr/(1 − 0.9^t))·m/(sqrt(v)/sqrt(1 − 0.999^t) + eps).
  // Element 0 (θ = 1, g = 0.5, −1, 0.25):
  //  1: m = 0.05, v = 0.00025; lr/(1 − 0.9) = 1; sqrt(v)/sqrt(0.001) = 0.5;
  //     θ = 1 − 0.05/(0.5 + 1e-8) = 0.900000002
  //  2: m = 0.05 + 0.1·(−1.05) = −0.055, v = 0.00024975 + 0.001 = 0.00124975;
  //     θ = 0.900000002 + (0.1/0.19)·0.055/(sqrt(0.00124975)/sqrt(0.001999) + 1e-8)
  //       = 0.9366103542405654
  //  3: m = −0.055 + 0.1·0.305 = −0.0245, v = 0.999·0.00124975 + 0.001·0.0625 = 0.00131100025;
  //     θ = 0.9366103542405654 + (0.1/0.271)·0.0245/(sqrt(v)/sqrt(1 − 0.999³) + 1e-8)
  //       = 0.9502794203389762
  // Element 1 (θ = −2, g = 0, 0.3, 0.3): step 1 leaves θ (m = v = 0: 0/(0 + eps) = 0); then
  //  2: m = 0.03, v = 0.00009 → θ = −2.0744136788496808; 3: θ = −2.1602599309224453.
  std::vector<std::vector<double>> expected{{0.900000002, -2.0},
                                            {0.9366103542405654, -2.0744136788496808},
                                            {0.9502794203389762, -2.1602599309224453}};
  for (DType dtype : {DType::Float64, DType::Float32}) {
    ag::Variable p = ag::parameter(ops::cast(Tensor::from_vector<double>({1, -2}, {2}), dtype), "w");
    layers::Adam opt(std::vector<ag::Variable>{p}, 0.1, {0.9, 0.999, 1e-8, 0.0});
    auto got = run(opt, p, {{0.5, 0}, {-1, 0.3}, {0.25, 0.3}});
    double tol = dtype == DType::Float64 ? 1e-12 : 2e-6;
    for (size_t s = 0; s < 3; ++s)
      for (size_t i = 0; i < 2; ++i) EXPECT_NEAR(got[s][i], expected[s][i], tol) << s << " " << i;
    auto state = opt.state();
    ASSERT_EQ(state.size(), 3u);
    EXPECT_EQ(state[0].first, "w.step");
    EXPECT_EQ(ops::item(state[0].second), 3.0);
    EXPECT_EQ(state[1].first, "w.exp_avg");
    EXPECT_NEAR(ops::to_vector<double>(state[1].second)[0], -0.0245, tol);
    EXPECT_EQ(state[2].first, "w.exp_avg_sq");
    EXPECT_NEAR(ops::to_vector<double>(state[2].second)[0], 0.00131100025, 1e-10);
  }
}

TEST(Adam, RestoredStateContinuesIdentically) {
  ag::Variable a = ag::parameter(Tensor::from_vector<double>({1, -2}, {2}), "w");
  ag::Variable b = ag::parameter(Tensor::from_vector<double>({1, -2}, {2}), "w");
  layers::Adam first({{"w", a}}, 0.1), second({{"w", b}}, 0.1);
  run(first, a, {{0.5, 0}, {-1, 0.3}});
  // Bring b to a's place, restore the state, then both take the same third step.
  b.set_value(ops::clone(a.value()));
  second.load_state(first.state());
  auto x = run(first, a, {{0.25, 0.3}});
  auto y = run(second, b, {{0.25, 0.3}});
  EXPECT_EQ(x, y);
  EXPECT_THROW(second.load_state({{"v.exp_avg", Tensor::zeros({2}, DType::Float64)}}), Error);
}

TEST(Optimizer, SkipsParametersWithoutGradientAndNamesByIndexWhenAmbiguous) {
  ag::Variable p = ag::parameter(Tensor::from_vector<float>({1}, {1}), "weight");
  ag::Variable q = ag::parameter(Tensor::from_vector<float>({2}, {1}), "weight");
  layers::SGD opt(std::vector<ag::Variable>{p, q}, 0.5);
  p.set_grad(Tensor::from_vector<float>({1}, {1}));
  opt.step();
  EXPECT_EQ(ops::item(p.value()), 0.5);
  EXPECT_EQ(ops::item(q.value()), 2.0);  // no gradient: untouched, no state
  auto state = opt.state();
  ASSERT_EQ(state.size(), 1u);
  EXPECT_EQ(state[0].first, "0.momentum_buffer");  // duplicate names fall back to indices
  opt.zero_grad();
  EXPECT_FALSE(p.grad().defined());
}

TEST(PolyLr, MatchesTheReferenceSchedule) {
  EXPECT_DOUBLE_EQ(layers::poly_lr(0.01, 0, 15000), 0.01);
  EXPECT_NEAR(layers::poly_lr(0.01, 7500, 15000), 0.01 * std::pow(0.5, 0.9), 1e-17);
  EXPECT_NEAR(layers::poly_lr(0.01, 14999, 15000), 0.01 * std::pow(1.0 / 15000, 0.9), 1e-17);
  EXPECT_EQ(layers::poly_lr(0.01, 15000, 15000), 0.0);
  EXPECT_EQ(layers::poly_lr(0.01, 20000, 15000), 0.0);
}

}  // namespace
}  // namespace semisam

// CPU 3-D convolution: hand-computed values, the im2col implementation against the definition
// written as direct loops (forward, data and weight gradients, odd strides, paddings and sizes
// that split into several blocks), shape errors, and the time of a U-Net-sized layer.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "common/test_util.h"
#include "kernels/conv3d.h"
#include "kernels/copy.h"

namespace semisam {
namespace {

using ops::Conv3dParams;

Conv3dParams params(std::array<int64_t, 3> stride, std::array<int64_t, 3> padding) {
  return Conv3dParams{stride, padding};
}

// The definition of the convolution as direct loops in double: y[n][co][o] = b[co] +
// Σ_{ci,a,b,c} w[co][ci][a][b][c] · x[n][ci][o·s − p + (a, b, c)], zero outside the input.
struct DirectConv {
  Shape xs, ws;
  Conv3dParams p;
  Shape ys;
  DirectConv(Shape x_shape, Shape w_shape, Conv3dParams prm)
      : xs(std::move(x_shape)),
        ws(std::move(w_shape)),
        p(prm),
        ys(ops::conv3d_output_shape(xs, ws, p)) {}

  // Calls fn(x flat index, w flat index, y flat index) for every product term.
  template <typename Fn>
  void for_each_term(Fn&& fn) const {
    for (int64_t n = 0; n < ys[0]; ++n)
      for (int64_t co = 0; co < ys[1]; ++co)
        for (int64_t od = 0; od < ys[2]; ++od)
          for (int64_t oh = 0; oh < ys[3]; ++oh)
            for (int64_t ow = 0; ow < ys[4]; ++ow)
              for (int64_t ci = 0; ci < xs[1]; ++ci)
                for (int64_t a = 0; a < ws[2]; ++a)
                  for (int64_t b = 0; b < ws[3]; ++b)
                    for (int64_t c = 0; c < ws[4]; ++c) {
                      int64_t id = od * p.stride[0] - p.padding[0] + a;
                      int64_t ih = oh * p.stride[1] - p.padding[1] + b;
                      int64_t iw = ow * p.stride[2] - p.padding[2] + c;
                      if (id < 0 || ih < 0 || iw < 0 || id >= xs[2] || ih >= xs[3] || iw >= xs[4])
                        continue;
                      int64_t xi = (((n * xs[1] + ci) * xs[2] + id) * xs[3] + ih) * xs[4] + iw;
                      int64_t wi = (((co * ws[1] + ci) * ws[2] + a) * ws[3] + b) * ws[4] + c;
                      int64_t yi = (((n * ys[1] + co) * ys[2] + od) * ys[3] + oh) * ys[4] + ow;
                      fn(xi, wi, yi);
                    }
  }

  std::vector<double> forward(const std::vector<double>& x, const std::vector<double>& w,
                              const std::vector<double>& bias) const {
    std::vector<double> y(size_t(shape_numel(ys)), 0.0);
    int64_t vol = ys[2] * ys[3] * ys[4];
    for (size_t i = 0; i < y.size(); ++i)
      y[i] = bias.empty() ? 0.0 : bias[(i / size_t(vol)) % size_t(ys[1])];
    for_each_term([&](int64_t xi, int64_t wi, int64_t yi) {
      y[size_t(yi)] += w[size_t(wi)] * x[size_t(xi)];
    });
    return y;
  }
  std::vector<double> grad_input(const std::vector<double>& g, const std::vector<double>& w) const {
    std::vector<double> dx(size_t(shape_numel(xs)), 0.0);
    for_each_term([&](int64_t xi, int64_t wi, int64_t yi) {
      dx[size_t(xi)] += w[size_t(wi)] * g[size_t(yi)];
    });
    return dx;
  }
  std::vector<double> grad_weight(const std::vector<double>& g,
                                  const std::vector<double>& x) const {
    std::vector<double> dw(size_t(shape_numel(ws)), 0.0);
    for_each_term([&](int64_t xi, int64_t wi, int64_t yi) {
      dw[size_t(wi)] += x[size_t(xi)] * g[size_t(yi)];
    });
    return dw;
  }
};

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

TEST(Conv3dCpu, HandComputedAllOnesKernel) {
  // x = 1..27 on a 3×3×3 grid, a 3×3×3 kernel of ones, padding 1: each output is the sum of the
  // input values in the 3×3×3 neighbourhood that exists.
  std::vector<float> xv(27);
  for (int i = 0; i < 27; ++i) xv[size_t(i)] = float(i + 1);
  Tensor x = Tensor::from_vector(xv, {1, 1, 3, 3, 3});
  Tensor w = ops::ones({1, 1, 3, 3, 3}, DType::Float32);
  Tensor b = Tensor::from_vector(std::vector<float>{0.5f}, {1});
  std::vector<float> y = ops::to_vector<float>(ops::conv3d(x, w, b, params({1, 1, 1}, {1, 1, 1})));
  ASSERT_EQ(y.size(), 27u);
  EXPECT_FLOAT_EQ(y[13], 378.5f);  // centre: 1 + ... + 27
  // corner (0,0,0): indices 9d + 3h + w for d, h, w in {0, 1}, values index + 1: 60.
  EXPECT_FLOAT_EQ(y[0], 60.5f);
  // edge centre (0,1,1): d in {0,1}, h, w in {0,1,2}: Σ (9d + 3h + w + 1) = 18 + 81 + 54 + 18.
  EXPECT_FLOAT_EQ(y[4], 171.5f);
}

TEST(Conv3dCpu, SingleTapShowsCrossCorrelationOrientation) {
  // A kernel with a single 1 at (a, b, c) = (0, 1, 2) and padding 1 reads x[d − 1][h][w + 1]:
  // PyTorch's cross-correlation, not a flipped convolution.
  Tensor x = test::random_tensor({1, 1, 3, 4, 5}, DType::Float32, 7);
  std::vector<float> wv(27, 0.0f);
  wv[0 * 9 + 1 * 3 + 2] = 1.0f;
  Tensor w = Tensor::from_vector(wv, {1, 1, 3, 3, 3});
  Tensor y = ops::conv3d(x, w, Tensor(), params({1, 1, 1}, {1, 1, 1}));
  ASSERT_EQ(y.shape(), (Shape{1, 1, 3, 4, 5}));
  std::vector<float> xs = ops::to_vector<float>(x), ys = ops::to_vector<float>(y);
  for (int d = 0; d < 3; ++d)
    for (int h = 0; h < 4; ++h)
      for (int ww = 0; ww < 5; ++ww) {
        float expected = (d >= 1 && ww + 1 < 5) ? xs[size_t(((d - 1) * 4 + h) * 5 + ww + 1)] : 0.0f;
        EXPECT_EQ(ys[size_t((d * 4 + h) * 5 + ww)], expected) << d << "," << h << "," << ww;
      }
}

struct ConvCase {
  Shape x, w;
  Conv3dParams p;
  bool bias;
};

std::vector<ConvCase> direct_cases() {
  return {
      {{2, 3, 5, 6, 7}, {4, 3, 3, 2, 3}, params({2, 1, 3}, {1, 0, 2}), true},
      {{1, 2, 8, 8, 8}, {3, 2, 4, 4, 4}, params({2, 2, 2}, {1, 1, 1}), true},  // discriminator kind
      {{2, 5, 4, 3, 6}, {2, 5, 1, 1, 1}, params({1, 1, 1}, {0, 0, 0}), true},  // 1×1×1 head
      {{1, 1, 8, 8, 8}, {2, 1, 4, 4, 4}, params({4, 4, 4}, {0, 0, 0}), false},  // patch embedding
      // 6·27 = 162 rows: blocks of a few hundred columns split the 10³ volume mid-row.
      {{2, 6, 10, 10, 10}, {5, 6, 3, 3, 3}, params({1, 1, 1}, {1, 1, 1}), true},
  };
}

void check_against_direct(DType dtype, double tolerance) {
  uint64_t seed = 100;
  for (const ConvCase& c : direct_cases()) {
    SCOPED_TRACE(shape_str(c.x) + " * " + shape_str(c.w));
    Tensor x = ops::cast(test::random_tensor(c.x, DType::Float64, seed++), dtype);
    Tensor w = ops::cast(test::random_tensor(c.w, DType::Float64, seed++), dtype);
    Tensor b =
        c.bias ? ops::cast(test::random_tensor({c.w[0]}, DType::Float64, seed++), dtype) : Tensor();
    DirectConv ref(c.x, c.w, c.p);
    std::vector<double> xd = ops::to_vector<double>(x), wd = ops::to_vector<double>(w);
    std::vector<double> bd = c.bias ? ops::to_vector<double>(b) : std::vector<double>{};
    test::PoisonGuard poison;
    Tensor y = ops::conv3d(x, w, b, c.p);
    ASSERT_EQ(y.shape(), ref.ys);
    EXPECT_LE(max_abs_diff(ops::to_vector<double>(y), ref.forward(xd, wd, bd)), tolerance);
    Tensor g = ops::cast(test::random_tensor(ref.ys, DType::Float64, seed++), dtype);
    std::vector<double> gd = ops::to_vector<double>(g);
    EXPECT_LE(max_abs_diff(ops::to_vector<double>(ops::conv3d_backward_input(g, w, c.x, c.p)),
                           ref.grad_input(gd, wd)),
              tolerance);
    EXPECT_LE(max_abs_diff(ops::to_vector<double>(ops::conv3d_backward_weight(g, x, c.w, c.p)),
                           ref.grad_weight(gd, xd)),
              tolerance * 10);  // sums over every output position
    if (c.bias) {
      std::vector<double> db(size_t(c.w[0]), 0.0);
      int64_t vol = shape_numel(ref.ys) / (ref.ys[0] * ref.ys[1]);
      for (size_t i = 0; i < gd.size(); ++i) db[(i / size_t(vol)) % size_t(c.w[0])] += gd[i];
      EXPECT_LE(max_abs_diff(ops::to_vector<double>(ops::conv3d_backward_bias(g)), db),
                tolerance * 10);
    }
  }
}

TEST(Conv3dCpu, MatchesDirectLoopsInFloat64) { check_against_direct(DType::Float64, 1e-11); }
TEST(Conv3dCpu, MatchesDirectLoopsInFloat32) { check_against_direct(DType::Float32, 2e-4); }

TEST(Conv3dCpu, BFloat16ComputesThroughFloat32) {
  Tensor x = ops::cast(test::random_tensor({1, 2, 4, 4, 4}, DType::Float32, 1), DType::BFloat16);
  Tensor w = ops::cast(test::random_tensor({3, 2, 3, 3, 3}, DType::Float32, 2), DType::BFloat16);
  Tensor expected = ops::conv3d(ops::cast(x, DType::Float32), ops::cast(w, DType::Float32),
                                Tensor(), params({1, 1, 1}, {1, 1, 1}));
  Tensor actual = ops::conv3d(x, w, Tensor(), params({1, 1, 1}, {1, 1, 1}));
  EXPECT_EQ(actual.dtype(), DType::BFloat16);
  EXPECT_LE(test::relative_error(actual, expected), 4e-3);  // one bfloat16 rounding of the output
}

TEST(Conv3dCpu, StridedViewsAreAccepted) {
  Tensor big = test::random_tensor({2, 4, 5, 5, 5}, DType::Float64, 3);
  Tensor view = big.narrow(1, 1, 2);  // not contiguous
  Tensor w = test::random_tensor({3, 2, 3, 3, 3}, DType::Float64, 4);
  Tensor expected = ops::conv3d(ops::contiguous(view), w, Tensor(), params({1, 1, 1}, {0, 0, 0}));
  EXPECT_EQ(ops::to_vector<double>(ops::conv3d(view, w, Tensor(), params({1, 1, 1}, {0, 0, 0}))),
            ops::to_vector<double>(expected));
}

TEST(Conv3dCpu, ShapeErrorsNameTheShapes) {
  Tensor x = Tensor::zeros({1, 3, 4, 4, 4}, DType::Float32);
  Tensor w = Tensor::zeros({2, 4, 3, 3, 3}, DType::Float32);
  try {
    ops::conv3d(x, w, Tensor(), {});
    FAIL() << "channel mismatch accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[1, 3, 4, 4, 4]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2, 4, 3, 3, 3]"), std::string::npos) << e.what();
  }
  Tensor w5 = Tensor::zeros({2, 3, 5, 5, 5}, DType::Float32);
  EXPECT_THROW(ops::conv3d(x, w5, Tensor(), {}), Error);  // kernel larger than the input
  Tensor bias = Tensor::zeros({3}, DType::Float32);
  EXPECT_THROW(ops::conv3d(x, Tensor::zeros({2, 3, 3, 3, 3}, DType::Float32), bias, {}), Error);
  EXPECT_THROW(ops::conv3d(x, Tensor::zeros({2, 3, 3, 3, 3}, DType::Float64), Tensor(), {}), Error);
  EXPECT_THROW(ops::conv3d_backward_input(Tensor::zeros({1, 2, 3, 3, 3}, DType::Float32),
                                          Tensor::zeros({2, 3, 3, 3, 3}, DType::Float32),
                                          {1, 3, 4, 4, 4}, {}),
               Error);  // grad_output shape does not match
}

// Not a pass/fail speed test: reports the time the parity tests of the networks depend on.
TEST(Conv3dCpu, TimeOfSixteenChannelLayerAt32Cubed) {
  Tensor x = test::random_tensor({2, 16, 32, 32, 32}, DType::Float32, 1);
  Tensor w = test::random_tensor({16, 16, 3, 3, 3}, DType::Float32, 2);
  Tensor b = test::random_tensor({16}, DType::Float32, 3);
  Conv3dParams p = params({1, 1, 1}, {1, 1, 1});
  auto t0 = std::chrono::steady_clock::now();
  Tensor y = ops::conv3d(x, w, b, p);
  auto t1 = std::chrono::steady_clock::now();
  Tensor dx = ops::conv3d_backward_input(y, w, x.shape(), p);
  auto t2 = std::chrono::steady_clock::now();
  Tensor dw = ops::conv3d_backward_weight(y, x, w.shape(), p);
  Tensor db = ops::conv3d_backward_bias(y);
  auto t3 = std::chrono::steady_clock::now();
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::printf(
      "[ timing ] conv3d 16->16 3x3x3 at 32^3, batch 2, float32, %d threads: forward %.0f ms, "
      "data grad %.0f ms, weight+bias grad %.0f ms, total %.0f ms\n",
      int(std::thread::hardware_concurrency()), ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t0, t3));
  EXPECT_EQ(dx.shape(), x.shape());
  EXPECT_EQ(dw.shape(), w.shape());
}

}  // namespace
}  // namespace semisam

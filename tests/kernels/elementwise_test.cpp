// CPU values of the elementwise, copy, reduction, shape and matmul ops against hand-computed
// results.
#include <gtest/gtest.h>

#include <cmath>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/matmul.h"
#include "kernels/reduce.h"
#include "kernels/shape_ops.h"

namespace semisam {
namespace {

using V = std::vector<float>;

Tensor f32(const V& v, const Shape& s) { return Tensor::from_vector(v, s); }

TEST(Elementwise, BroadcastingArithmetic) {
  Tensor a = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b = f32({10, 20, 30}, {3});
  EXPECT_EQ(ops::to_vector<float>(ops::add(a, b)), (V{11, 22, 33, 14, 25, 36}));
  Tensor c = f32({2, 4}, {2, 1});
  EXPECT_EQ(ops::to_vector<float>(ops::div(a, c)), (V{0.5f, 1, 1.5f, 1, 1.25f, 1.5f}));
  EXPECT_EQ(ops::to_vector<float>(ops::binary_scalar(ops::BinaryOp::Sub, a, 1, true)),
            (V{0, -1, -2, -3, -4, -5}));
  EXPECT_THROW(ops::add(a, f32({1, 2}, {2})), Error);
  EXPECT_THROW(ops::add(a, Tensor::from_vector(std::vector<double>{1}, {1})), Error);
}

TEST(Elementwise, MaximumPropagatesNaN) {
  Tensor a = f32({1, NAN, 3}, {3});
  Tensor b = f32({2, 0, NAN}, {3});
  V m = ops::to_vector<float>(ops::maximum(a, b));
  EXPECT_EQ(m[0], 2);
  EXPECT_TRUE(std::isnan(m[1]));
  EXPECT_TRUE(std::isnan(m[2]));
}

TEST(Elementwise, UnaryMathAndIntegerGuard) {
  Tensor a = f32({1, 4, 9}, {3});
  EXPECT_EQ(ops::to_vector<float>(ops::sqrt(a)), (V{1, 2, 3}));
  EXPECT_NEAR(ops::to_vector<float>(ops::log(a))[2], std::log(9.0f), 1e-6);
  Tensor i = Tensor::from_vector(std::vector<int32_t>{-2, 0, 3}, {3});
  EXPECT_EQ(ops::to_vector<int32_t>(ops::abs(i)), (std::vector<int32_t>{2, 0, 3}));
  EXPECT_THROW(ops::exp(i), Error);
}

TEST(Elementwise, CompareAndWhere) {
  Tensor a = f32({1, 5, 3}, {3});
  Tensor b = f32({2, 5, 1}, {3});
  Tensor ge = ops::compare(ops::CompareOp::Ge, a, b);
  EXPECT_EQ(ge.dtype(), DType::UInt8);
  EXPECT_EQ(ops::to_vector<uint8_t>(ge), (std::vector<uint8_t>{0, 1, 1}));
  EXPECT_EQ(ops::to_vector<float>(ops::where(ge, a, b)), (V{2, 5, 3}));
  Tensor lab = Tensor::from_vector(std::vector<uint8_t>{0, 1, 2}, {3});
  EXPECT_EQ(ops::to_vector<uint8_t>(ops::compare_scalar(ops::CompareOp::Eq, lab, 1)),
            (std::vector<uint8_t>{0, 1, 0}));
}

TEST(Copy, CastFillAndStridedCopy) {
  Tensor a = f32({1.5f, -2.7f, 3}, {3});
  EXPECT_EQ(ops::to_vector<int32_t>(ops::cast(a, DType::Int32)), (std::vector<int32_t>{1, -2, 3}));
  Tensor z = Tensor::zeros({2, 3}, DType::Float32);
  ops::fill_(z.narrow(1, 1, 1), 7);
  EXPECT_EQ(ops::to_vector<float>(z), (V{0, 7, 0, 0, 7, 0}));
  Tensor t = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  ops::copy_(z.narrow(1, 0, 2), t.narrow(1, 1, 2));
  EXPECT_EQ(ops::to_vector<float>(z), (V{2, 3, 0, 5, 6, 0}));
  EXPECT_DOUBLE_EQ(ops::item(ops::full({1}, 2.5, DType::BFloat16)), 2.5);
  EXPECT_THROW(ops::item(z), Error);
}

TEST(Reduce, SumMeanMaxArgmaxOverAxes) {
  Tensor t = f32({1, 7, 3, 7, 2, 0}, {2, 3});
  EXPECT_EQ(ops::to_vector<float>(ops::sum(t, {1})), (V{11, 9}));
  EXPECT_EQ(ops::sum(t, {1}, true).shape(), (Shape{2, 1}));
  EXPECT_EQ(ops::to_vector<float>(ops::mean(t, {0})), (V{4, 4.5f, 1.5f}));
  EXPECT_EQ(ops::to_vector<float>(ops::max(t, {1})), (V{7, 7}));
  EXPECT_EQ(ops::to_vector<int64_t>(ops::argmax(t, 1)), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(ops::item(ops::argmax(t)), 1.0);  // the first of the two 7s
  EXPECT_EQ(ops::item(ops::sum(t)), 20.0);
  Tensor labels = Tensor::from_vector(std::vector<uint8_t>{1, 1, 0, 1}, {4});
  Tensor count = ops::sum(labels);
  EXPECT_EQ(count.dtype(), DType::Int64);
  EXPECT_EQ(ops::item(count), 3.0);
  EXPECT_THROW(ops::sum(t, {1, 1}), Error);
  EXPECT_THROW(ops::mean(labels), Error);
}

TEST(Reduce, ArgmaxTreatsNaNAsMaximum) {
  Tensor t = f32({1, NAN, 5}, {3});
  EXPECT_EQ(ops::item(ops::argmax(t)), 1.0);
}

TEST(Reduce, SumToInvertsBroadcast) {
  Tensor g = ops::full({2, 3, 4}, 1.0, DType::Float32);
  EXPECT_EQ(ops::to_vector<float>(ops::sum_to(g, {3, 1})), (V{8, 8, 8}));
  EXPECT_EQ(ops::sum_to(g, {}).numel(), 1);
}

TEST(ShapeOps, ConcatAndPad) {
  Tensor a = f32({1, 2, 3, 4}, {2, 2});
  Tensor b = f32({5, 6}, {2, 1});
  EXPECT_EQ(ops::to_vector<float>(ops::concat({a, b}, 1)), (V{1, 2, 5, 3, 4, 6}));
  EXPECT_THROW(ops::concat({a, b}, 0), Error);
  Tensor p = ops::pad(b, {{1, 0}, {0, 2}}, -1);
  EXPECT_EQ(p.shape(), (Shape{3, 3}));
  EXPECT_EQ(ops::to_vector<float>(p), (V{-1, -1, -1, 5, -1, -1, 6, -1, -1}));
  EXPECT_EQ(ops::to_vector<float>(ops::pad(p, {{-1, 0}, {0, -2}})), (V{5, 6}));
}

TEST(Matmul, PlainTransposedAndBatched) {
  Tensor a = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b = f32({1, 0, 0, 1, 1, 1}, {3, 2});
  EXPECT_EQ(ops::to_vector<float>(ops::matmul(a, b)), (V{4, 5, 10, 11}));
  EXPECT_EQ(ops::to_vector<float>(ops::matmul(a, a, false, true)), (V{14, 32, 32, 77}));
  EXPECT_EQ(ops::to_vector<float>(ops::matmul(a, a, true, false))[0], 17);
  Tensor batch = ops::concat({a.unsqueeze(0), a.unsqueeze(0)}, 0);
  Tensor out = ops::matmul(batch, b);
  EXPECT_EQ(out.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(ops::to_vector<float>(out)[7], 11);
  EXPECT_THROW(ops::matmul(a, a), Error);
}

}  // namespace
}  // namespace semisam

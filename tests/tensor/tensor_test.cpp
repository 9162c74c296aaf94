// Tensor metadata and views: shapes, strides, narrowing, permutes, broadcasting, errors.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "tensor/tensor.h"

namespace semisam {
namespace {

Tensor iota(const Shape& shape) {
  std::vector<float> v(size_t(shape_numel(shape)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i);
  return Tensor::from_vector(v, shape);
}

TEST(Tensor, EmptyHasContiguousStrides) {
  Tensor t = Tensor::empty({2, 3, 4}, DType::Float32);
  EXPECT_EQ(t.strides(), (std::vector<int64_t>{12, 4, 1}));
  EXPECT_EQ(t.numel(), 24);
  EXPECT_EQ(t.nbytes(), 96u);
  EXPECT_TRUE(t.is_contiguous());
  EXPECT_EQ(t.str(), "float32[2, 3, 4] on cpu");
}

TEST(Tensor, LeadingIndexIsAViewOfTheSameStorage) {
  Tensor t = iota({3, 2});
  Tensor row = t[1];
  EXPECT_EQ(row.shape(), (Shape{2}));
  EXPECT_TRUE(row.shares_storage(t));
  EXPECT_EQ(ops::to_vector<float>(row), (std::vector<float>{2, 3}));
  row.data<float>()[0] = 42;
  EXPECT_EQ(t.data<float>()[2], 42);
}

TEST(Tensor, NarrowAlongInnerAxisIsStrided) {
  Tensor t = iota({2, 4});
  Tensor n = t.narrow(1, 1, 2);
  EXPECT_FALSE(n.is_contiguous());
  EXPECT_EQ(ops::to_vector<float>(n), (std::vector<float>{1, 2, 5, 6}));
}

TEST(Tensor, PermuteAndContiguous) {
  Tensor t = iota({2, 3});
  Tensor p = t.permute({1, 0});
  EXPECT_EQ(p.shape(), (Shape{3, 2}));
  EXPECT_EQ(ops::to_vector<float>(p), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  EXPECT_TRUE(ops::contiguous(p).is_contiguous());
}

TEST(Tensor, ViewInfersOneAxisAndRejectsMismatch) {
  Tensor t = iota({2, 6});
  EXPECT_EQ(t.view({3, -1}).shape(), (Shape{3, 4}));
  EXPECT_THROW(t.view({5, -1}), Error);
  EXPECT_THROW(t.permute({1, 0}).view({12}), Error);
}

TEST(Tensor, ExpandBroadcastsWithZeroStride) {
  Tensor t = iota({3, 1});
  Tensor e = t.expand({2, 3, 4});
  EXPECT_EQ(e.strides()[0], 0);
  EXPECT_EQ(e.strides()[2], 0);
  EXPECT_EQ(ops::to_vector<float>(e)[5], 1.0f);
  EXPECT_THROW(t.expand({2, 4}), Error);
}

TEST(Tensor, UnsqueezeSqueeze) {
  Tensor t = iota({2, 3});
  EXPECT_EQ(t.unsqueeze(0).shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(t.unsqueeze(-1).shape(), (Shape{2, 3, 1}));
  EXPECT_EQ(t.unsqueeze(1).squeeze(1).shape(), (Shape{2, 3}));
  EXPECT_THROW(t.squeeze(0), Error);
}

TEST(Tensor, BroadcastShapes) {
  EXPECT_EQ(broadcast_shapes({2, 1, 3}, {4, 1}), (Shape{2, 4, 3}));
  EXPECT_EQ(broadcast_shapes({}, {5}), (Shape{5}));
  EXPECT_THROW(broadcast_shapes({2, 3}, {4, 3}), Error);
}

TEST(Tensor, ErrorsNameTheProblem) {
  Tensor t = iota({2, 3});
  try {
    t.narrow(1, 2, 5);
    FAIL() << "narrow out of range did not throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("float32[2, 3]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(t.data<double>(), Error);
  EXPECT_THROW(Tensor().data_ptr(), Error);
  EXPECT_THROW(Tensor::empty({-1}, DType::Float32), Error);
}

TEST(Tensor, DeviceParsing) {
  EXPECT_EQ(parse_device("cpu"), Device::cpu());
  EXPECT_EQ(parse_device("cuda:1"), Device::cuda(1));
  EXPECT_THROW(parse_device("gpu"), Error);
  EXPECT_THROW(parse_device("cuda:x"), Error);
  // auto: the first GPU exactly when one is usable, else the CPU.
  EXPECT_EQ(parse_device("auto"), cuda_available() ? Device::cuda(0) : Device::cpu());
}

TEST(Tensor, CudaTensorWithoutDeviceIsAClearError) {
  if (cuda_available()) GTEST_SKIP() << "a GPU is present";
  EXPECT_THROW(Tensor::empty({4}, DType::Float32, Device::cuda(0)), Error);
}

TEST(Memory, HostCountersTrackCurrentAndPeak) {
  MemoryStats before = memory_stats(Device::cpu());
  reset_peak_memory(Device::cpu());
  {
    Tensor t = Tensor::empty({1024}, DType::Float64);
    EXPECT_EQ(memory_stats(Device::cpu()).current_bytes, before.current_bytes + 8192);
  }
  MemoryStats after = memory_stats(Device::cpu());
  EXPECT_EQ(after.current_bytes, before.current_bytes);
  EXPECT_GE(after.peak_bytes, before.current_bytes + 8192);
}

TEST(Memory, PoisonFillsNewAllocations) {
  test::PoisonGuard poison;
  Tensor t = Tensor::empty({8}, DType::Float32);
  for (float v : ops::to_vector<float>(t)) EXPECT_TRUE(std::isnan(v));
}

}  // namespace
}  // namespace semisam

// The DTC signed distance map against the reference's compute_sdf (scipy + skimage) per sample.
#include <gtest/gtest.h>

#include "eval/signed_distance.h"
#include "eval_test_util.h"
#include "fixture_reader.h"

namespace semisam::eval {
namespace {

using testing::Deviation;
using testing::Fixtures;

TEST(SignedDistance, MatchesReferenceComputeSdf) {
  const Fixtures& fx = Fixtures::get();
  const Tensor batch = fx.mask("sdf/batch/mask");
  const std::vector<double> want = fx.f64("sdf/batch/sdf");
  Deviation dev64("signed distance map float64 vs DTC compute_sdf");
  const Tensor got64 = signed_distance_map(batch, DType::Float64);
  ASSERT_EQ(got64.shape(), batch.shape());
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_TRUE(dev64.add(got64.data<double>()[i], want[i], 1e-12)) << "voxel " << i;
  const Tensor got32 = signed_distance_map(batch);
  ASSERT_EQ(got32.dtype(), DType::Float32);
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_EQ(got32.data<float>()[i], float(want[i])) << "voxel " << i;
}

TEST(SignedDistance, SingleSampleEqualsBatchSlice) {
  const Tensor batch = Fixtures::get().mask("sdf/batch/mask");
  const Tensor all = signed_distance_map(batch, DType::Float64);
  const int64_t n = batch.numel() / batch.size(0);
  for (int64_t b = 0; b < batch.size(0); ++b) {
    const Tensor one = signed_distance_map(batch[b], DType::Float64);
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(one.data<double>()[i], all.data<double>()[b * n + i]);
  }
}

TEST(SignedDistance, EmptyAndFullMasksAreZero) {
  Tensor full = Tensor::empty({5, 4, 3}, DType::UInt8);
  std::fill(full.data<uint8_t>(), full.data<uint8_t>() + full.numel(), uint8_t(1));
  for (const Tensor& m : {full, Tensor::zeros({5, 4, 3}, DType::UInt8)}) {
    const Tensor s = signed_distance_map(m);
    for (int64_t i = 0; i < s.numel(); ++i) EXPECT_EQ(s.data<float>()[i], 0.0f);
  }
}

TEST(SignedDistance, SignAndRange) {
  const Tensor mask = testing::random_mask({16, 14, 12}, 0.3, 5);
  const Tensor s = signed_distance_map(mask, DType::Float64, {1.0, 1.0, 2.0});
  for (int64_t i = 0; i < s.numel(); ++i) {
    const double v = s.data<double>()[i];
    EXPECT_LE(std::fabs(v), 1.0);
    if (mask.data<uint8_t>()[i]) EXPECT_LE(v, 0.0);
    else EXPECT_GT(v, 0.0);
  }
}

TEST(SignedDistance, RejectsBadArguments) {
  EXPECT_THROW(signed_distance_map(Tensor::zeros({3, 3}, DType::UInt8)), Error);
  EXPECT_THROW(signed_distance_map(Tensor::zeros({3, 3, 3}, DType::Float32)), Error);
  EXPECT_THROW(signed_distance_map(Tensor::zeros({3, 3, 3}, DType::UInt8), DType::Int32), Error);
}

}  // namespace
}  // namespace semisam::eval

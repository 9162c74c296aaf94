// CUDA backend of src/eval against the CPU reference: transforms, surfaces, mask operations,
// metrics and signed distance maps. Skipped where no CUDA device is present.
#include <gtest/gtest.h>

#include "eval/binary_metrics.h"
#include "eval/class_metrics.h"
#include "eval/edt.h"
#include "eval/mask_ops.h"
#include "eval/signed_distance.h"
#include "eval/surface.h"
#include "eval_test_util.h"
#include "fixture_reader.h"
#include "tensor/device.h"

namespace semisam::eval {
namespace {

using testing::host_values;
using testing::random_mask;
using testing::to_device;

#define SKIP_WITHOUT_CUDA() \
  if (!semisam::cuda_available()) GTEST_SKIP() << "no CUDA device"

const Device kGpu = Device::cuda(0);

template <typename T>
void expect_identical(const Tensor& gpu, const Tensor& cpu, const char* what) {
  ASSERT_EQ(gpu.device(), kGpu) << what;
  ASSERT_EQ(gpu.shape(), cpu.shape()) << what;
  const std::vector<T> g = host_values<T>(gpu), c = host_values<T>(cpu);
  int64_t mismatches = 0;
  size_t first = g.size();
  for (size_t i = 0; i < g.size(); ++i)
    if (!(g[i] == c[i]) && !(std::isnan(double(g[i])) && std::isnan(double(c[i])))) {
      if (mismatches++ == 0) first = i;
    }
  EXPECT_EQ(mismatches, 0) << what << ": first mismatch at " << first << ": "
                           << (first < g.size() ? double(g[first]) : 0.0) << " vs "
                           << (first < g.size() ? double(c[first]) : 0.0);
}

TEST(CudaEval, DistanceTransformsAreBitIdentical) {
  SKIP_WITHOUT_CUDA();
  const Spacing spacings[] = {{1, 1, 1}, {0.7, 1.3, 2.1}, {0.625, 0.625, 2.5}};
  uint32_t seed = 11;
  for (const Shape& shape : std::vector<Shape>{{40, 36, 28}, {1, 33, 17}, {57, 1, 9}, {5, 6, 1}})
    for (const Spacing& s : spacings)
      for (double density : {0.99, 0.5, 0.05}) {
        const Tensor mask = random_mask(shape, density, seed++);
        const Tensor dmask = to_device(mask, kGpu);
        expect_identical<double>(distance_transform_edt(dmask, s), distance_transform_edt(mask, s),
                                 "distance_transform_edt");
        expect_identical<double>(distance_to_nonzero(dmask, s), distance_to_nonzero(mask, s),
                                 "distance_to_nonzero");
      }
  Tensor ones = Tensor::empty({6, 7, 8}, DType::UInt8);
  std::fill(ones.data<uint8_t>(), ones.data<uint8_t>() + ones.numel(), uint8_t(1));
  expect_identical<double>(distance_transform_edt(to_device(ones, kGpu)),
                           distance_transform_edt(ones), "no zero voxel");
}

TEST(CudaEval, SurfacesAndMaskOpsMatchCpu) {
  SKIP_WITHOUT_CUDA();
  const Tensor a = random_mask({30, 26, 22}, 0.4, 3), b = random_mask({30, 26, 22}, 0.3, 4);
  const Tensor da = to_device(a, kGpu), db = to_device(b, kGpu);
  expect_identical<uint8_t>(surface_voxels(da), surface_voxels(a), "surface_voxels");
  expect_identical<uint8_t>(inner_boundary(da), inner_boundary(a), "inner_boundary");
  const OverlapCounts g = overlap_counts(da, db), c = overlap_counts(a, b);
  EXPECT_EQ(g.a, c.a);
  EXPECT_EQ(g.b, c.b);
  EXPECT_EQ(g.intersection, c.intersection);
  const Tensor sq = squared_distance_to_sources(b, true);
  EXPECT_EQ(values_at_nonzero(to_device(sq, kGpu), da), values_at_nonzero(sq, a));
  const Tensor labels = testing::Fixtures::get().mask("multiclass/pred");
  for (uint8_t label : {0, 1, 3, 4})
    expect_identical<uint8_t>(labels_equal(to_device(labels, kGpu), label),
                              labels_equal(labels, label), "labels_equal");
}

TEST(CudaEval, MetricsMatchCpuAndMedpy) {
  SKIP_WITHOUT_CUDA();
  const testing::Fixtures& fx = testing::Fixtures::get();
  for (const std::string& name : fx.lines("binary_cases")) {
    const std::string p = "binary/" + name + "/";
    const std::vector<double> s = fx.f64(p + "spacing");
    const Spacing spacing{s[0], s[1], s[2]};
    const Tensor pred = fx.mask(p + "pred"), ref = fx.mask(p + "ref");
    const Tensor dp = to_device(pred, kGpu), dr = to_device(ref, kGpu);
    for (EmptyMaskPolicy policy : {EmptyMaskPolicy::TestReport, EmptyMaskPolicy::Validation}) {
      const BinaryMetrics g = evaluate_binary(dp, dr, policy, spacing);
      const BinaryMetrics c = evaluate_binary(pred, ref, policy, spacing);
      EXPECT_EQ(g.dice, c.dice) << name;
      EXPECT_EQ(g.jaccard, c.jaccard) << name;
      EXPECT_EQ(g.hd95, c.hd95) << name;
      EXPECT_EQ(g.asd, c.asd) << name;
    }
  }
  const Tensor pl = fx.mask("multiclass/pred"), rl = fx.mask("multiclass/ref");
  const auto g = evaluate_classes(to_device(pl, kGpu), to_device(rl, kGpu), 5,
                                  EmptyMaskPolicy::TestReport, {0.9, 1.1, 1.6});
  const auto c = evaluate_classes(pl, rl, 5, EmptyMaskPolicy::TestReport, {0.9, 1.1, 1.6});
  ASSERT_EQ(g.size(), c.size());
  for (size_t k = 0; k < g.size(); ++k) {
    EXPECT_EQ(g[k].hd95, c[k].hd95);
    EXPECT_EQ(g[k].asd, c[k].asd);
    EXPECT_EQ(g[k].dice, c[k].dice);
  }
}

TEST(CudaEval, LargeVolumeMetricsMatchCpu) {
  SKIP_WITHOUT_CUDA();
  const Tensor a = random_mask({96, 80, 64}, 0.2, 21, 2), b = random_mask({96, 80, 64}, 0.2, 22, 2);
  const Spacing s{0.625, 0.625, 0.625 * 1.6};
  const BinaryMetrics g = binary_metrics(to_device(a, kGpu), to_device(b, kGpu), s);
  const BinaryMetrics c = binary_metrics(a, b, s);
  EXPECT_EQ(g.hd95, c.hd95);
  EXPECT_EQ(g.asd, c.asd);
  EXPECT_EQ(g.dice, c.dice);
}

TEST(CudaEval, SignedDistanceMatchesCpu) {
  SKIP_WITHOUT_CUDA();
  const Tensor batch = testing::Fixtures::get().mask("sdf/batch/mask");
  const Tensor dbatch = to_device(batch, kGpu);
  expect_identical<double>(signed_distance_map(dbatch, DType::Float64),
                           signed_distance_map(batch, DType::Float64), "sdf float64");
  expect_identical<float>(signed_distance_map(dbatch), signed_distance_map(batch), "sdf float32");
  const Tensor big = random_mask({64, 64, 48}, 0.15, 8, 2);
  expect_identical<float>(signed_distance_map(to_device(big, kGpu), DType::Float32, {1, 1, 2}),
                          signed_distance_map(big, DType::Float32, {1, 1, 2}), "sdf large");
}

}  // namespace
}  // namespace semisam::eval

// The fused sliding-window accumulation and finalize (kernels/window_accumulate.h) against the
// unfused reference composition (sliding_window_predict_reference): labels and probabilities bit
// for bit, the mean entropy within 1e-6 relative, on random logits with frequent ties, odd shapes,
// padded axes, one class and a single voxel; the same bits for 1, 2 and 3 threads; and the CUDA
// kernels against the CUDA reference composition and the CPU (skipped without a GPU).
#include <gtest/gtest.h>

#include <cmath>

#include "fused_test_util.h"
#include "kernels/cpu_backend.h"
#include "kernels/window_accumulate.h"
#include "ssl/inference/sliding_window.h"

namespace semisam {
namespace {

using ssl::SlidingWindowOptions;
using ssl::SlidingWindowOutputs;
using ssl::SlidingWindowResult;

struct WindowCase {
  Shape image;
  std::array<int64_t, 3> patch, stride;
  int64_t classes, batch;
};

// A predictor returning coarse random logits, a fresh draw per call (calls are counted, so two
// runs see the same sequence). Every third call repeats class 0's logits in every class, so
// whole windows tie exactly.
ssl::PatchPredictor random_predictor(const SlidingWindowOptions& o, uint64_t seed) {
  auto calls = std::make_shared<uint64_t>(0);
  return [o, seed, calls](const Tensor& patches) {
    const uint64_t call = (*calls)++;
    const Shape shape{patches.size(0), o.num_classes, o.patch[0], o.patch[1], o.patch[2]};
    Tensor logits = test::coarse_tensor(shape, seed * 1000 + call, 0.5f);
    if (call % 3 == 2) {
      Tensor first = logits.narrow(1, 0, 1);
      for (int64_t c = 1; c < o.num_classes; ++c) ops::copy_(logits.narrow(1, c, 1), first);
    }
    return ops::to_device(logits, patches.device());
  };
}

SlidingWindowOptions options_for(const WindowCase& w, Device device) {
  SlidingWindowOptions o;
  o.patch = w.patch;
  o.stride = w.stride;
  o.num_classes = w.classes;
  o.batch = w.batch;
  o.device = device;
  return o;
}

SlidingWindowResult run(const WindowCase& w, Device device, bool fused, uint64_t seed) {
  const SlidingWindowOptions o = options_for(w, device);
  const Tensor image = test::random_tensor(w.image, DType::Float32, seed + 7);
  SlidingWindowOutputs outputs;
  outputs.probabilities = true;
  outputs.mean_entropy = true;
  return fused
             ? ssl::sliding_window_predict(image, random_predictor(o, seed), o, outputs)
             : ssl::sliding_window_predict_reference(image, random_predictor(o, seed), o, outputs);
}

const std::vector<WindowCase>& cases() {
  static const std::vector<WindowCase> all{
      {{9, 6, 11}, {4, 5, 3}, {3, 2, 2}, 3, 2},  // overlapping windows, odd shapes
      {{5, 7, 3}, {4, 4, 4}, {2, 3, 1}, 2, 1},   // z shorter than the patch: padded
      {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}, 2, 1},   // a single voxel
      {{3, 4, 2}, {2, 2, 2}, {1, 1, 1}, 1, 3},   // one class: P = 1, entropy ~ 0
      {{6, 5, 7}, {3, 3, 3}, {2, 2, 3}, 5, 4},   // more classes, some never winning
      {{2, 3, 2}, {5, 4, 3}, {5, 4, 3}, 4, 1}};  // every axis padded, one window
  return all;
}

void expect_same(const SlidingWindowResult& fused, const SlidingWindowResult& reference,
                 const std::string& what) {
  EXPECT_TRUE(test::bit_equal(fused.label, reference.label)) << what << ": labels differ";
  EXPECT_TRUE(test::bit_equal(fused.probabilities, reference.probabilities))
      << what << ": probabilities differ";
  EXPECT_EQ(fused.pad_before, reference.pad_before) << what;
  EXPECT_NEAR(fused.mean_entropy, reference.mean_entropy,
              1e-6 * std::abs(reference.mean_entropy) + 1e-12)
      << what;
}

TEST(FusedWindow, MatchesReferenceCompositionOnTheCpu) {
  for (ops::CpuKernels kernels : {ops::CpuKernels::Fast, ops::CpuKernels::Reference}) {
    ops::CpuKernelsGuard guard(kernels);
    for (size_t i = 0; i < cases().size(); ++i) {
      const std::string what = "case " + std::to_string(i) +
                               (kernels == ops::CpuKernels::Fast ? " (fast)" : " (reference)");
      expect_same(run(cases()[i], Device::cpu(), true, 11 + i),
                  run(cases()[i], Device::cpu(), false, 11 + i), what);
    }
  }
}

TEST(FusedWindow, TiesResolveToTheFirstClass) {
  // Windows whose logits are equal in every class give P equal in every class: class 0.
  const WindowCase w{{4, 4, 4}, {4, 4, 4}, {4, 4, 4}, 3, 1};
  const SlidingWindowOptions o = options_for(w, Device::cpu());
  ssl::PatchPredictor flat = [&](const Tensor& patches) {
    return Tensor::zeros({patches.size(0), 3, 4, 4, 4}, DType::Float32);
  };
  SlidingWindowOutputs outputs;
  outputs.mean_entropy = true;
  const SlidingWindowResult r =
      ssl::sliding_window_predict(Tensor::zeros({4, 4, 4}, DType::Float32), flat, o, outputs);
  for (uint8_t v : ops::to_vector<uint8_t>(r.label)) EXPECT_EQ(v, 0);
  // Uniform over 3 classes: ln 3 up to the 1e-8 guards.
  EXPECT_NEAR(r.mean_entropy, std::log(3.0), 1e-6);
  EXPECT_FALSE(r.probabilities.defined());
}

TEST(FusedWindow, SameBitsForOneTwoThreeThreads) {
  test::ThreadsGuard restore;
  const WindowCase w{{21, 17, 13}, {8, 8, 8}, {5, 4, 3}, 3, 2};
  set_cpu_threads(1);
  const SlidingWindowResult one = run(w, Device::cpu(), true, 5);
  for (int threads : {2, 3}) {
    set_cpu_threads(threads);
    const SlidingWindowResult many = run(w, Device::cpu(), true, 5);
    EXPECT_TRUE(test::bit_equal(many.label, one.label)) << threads << " threads";
    EXPECT_TRUE(test::bit_equal(many.probabilities, one.probabilities)) << threads << " threads";
    EXPECT_EQ(many.mean_entropy, one.mean_entropy) << threads << " threads";
  }
}

TEST(FusedWindow, FinalizeChecksItsCrop) {
  const Tensor score = Tensor::zeros({2, 3, 3, 3}, DType::Float32);
  const Tensor visits = Tensor::zeros({3, 3, 3}, DType::Float32);
  ops::WindowFinalizeRequest request;
  request.crop_origin = {1, 0, 0};
  request.crop_size = {3, 3, 3};
  EXPECT_THROW(ops::window_finalize(score, visits, request), Error);
  EXPECT_THROW(
      ops::window_accumulate(score, visits, Tensor::zeros({2, 2, 2, 2}, DType::Float32), {2, 0, 0}),
      Error);
}

TEST(FusedWindowCuda, MatchesCudaReferenceAndCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  for (size_t i = 0; i < cases().size(); ++i) {
    const std::string what = "case " + std::to_string(i);
    const SlidingWindowResult fused = run(cases()[i], Device::cuda(0), true, 31 + i);
    // The same ops on the device: the same bits (the softmax rule is the CUDA softmax op's).
    expect_same(fused, run(cases()[i], Device::cuda(0), false, 31 + i), what + " vs CUDA ops");
    // The CPU computes expf on the host: probabilities within a few float ulps, the entropy
    // within 1e-6 relative.
    const SlidingWindowResult cpu = run(cases()[i], Device::cpu(), true, 31 + i);
    EXPECT_LE(
        test::relative_error(ops::to_device(fused.probabilities, Device::cpu()), cpu.probabilities),
        1e-6)
        << what;
    EXPECT_NEAR(fused.mean_entropy, cpu.mean_entropy, 1e-6 * std::abs(cpu.mean_entropy) + 1e-12)
        << what;
  }
}

}  // namespace
}  // namespace semisam

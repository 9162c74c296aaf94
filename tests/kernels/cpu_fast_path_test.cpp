// The CPU backend's fast paths (oneDNN convolution, OpenBLAS GEMM and convolution weight
// gradient, threaded and vectorised loops, the caching host allocator) against the float64
// reference loops, and the thread-count independence that determinism relies on.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <vector>

#include "common/test_util.h"
#include "kernels/conv3d.h"
#include "kernels/copy.h"
#include "kernels/cpu_backend.h"
#include "kernels/dropout.h"
#include "kernels/elementwise.h"
#include "kernels/matmul.h"
#include "kernels/norm.h"
#include "kernels/pool3d.h"
#include "kernels/shape_ops.h"
#include "kernels/softmax.h"
#include "kernels/upsample.h"
#include "tensor/memory.h"
#include "tensor/parallel.h"

namespace semisam {
namespace {

using ops::Conv3dParams;
using ops::CpuKernels;
using ops::CpuKernelsGuard;

Tensor to64(const Tensor& t) { return ops::cast(t, DType::Float64); }

// Restores the thread count a test changed.
class ThreadsGuard {
 public:
  ThreadsGuard() : previous_(cpu_threads()) {}
  ~ThreadsGuard() { set_cpu_threads(previous_); }

 private:
  int previous_;
};

bool bit_equal(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) return false;
  Tensor ca = ops::contiguous(a), cb = ops::contiguous(b);
  return std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.nbytes()) == 0;
}

struct ConvCase {
  const char* name;
  Shape x, w;
  Conv3dParams p;
};

// U-Net layers (3×3×3, padding 1; 1×1×1 head), the discriminator's strided 4×4×4 layer, a first
// layer with one input channel, odd sizes, and a stride whose floor leaves input unread.
std::vector<ConvCase> conv_cases() {
  return {
      {"unet_3x3x3", {2, 8, 9, 10, 11}, {16, 8, 3, 3, 3}, {{1, 1, 1}, {1, 1, 1}}},
      {"first_layer", {2, 1, 12, 12, 12}, {8, 1, 3, 3, 3}, {{1, 1, 1}, {1, 1, 1}}},
      {"head_1x1x1", {1, 8, 7, 6, 5}, {2, 8, 1, 1, 1}, {{1, 1, 1}, {0, 0, 0}}},
      {"strided_4x4x4", {1, 3, 16, 16, 16}, {5, 3, 4, 4, 4}, {{2, 2, 2}, {1, 1, 1}}},
      {"floor_stride", {1, 2, 7, 8, 9}, {3, 2, 3, 3, 3}, {{2, 2, 2}, {0, 1, 0}}},
      {"many_channels", {1, 24, 6, 6, 6}, {20, 24, 3, 3, 3}, {{1, 1, 1}, {1, 1, 1}}},
  };
}

TEST(CpuFastPath, ConvolutionMatchesFloat64Reference) {
  if (!ops::onednn_compiled()) GTEST_SKIP() << "this build has no oneDNN";
  CpuKernelsGuard fast(CpuKernels::Fast);
  uint64_t seed = 10;
  for (const ConvCase& c : conv_cases()) {
    SCOPED_TRACE(c.name);
    Tensor x = test::random_tensor(c.x, DType::Float32, seed++);
    Tensor w = test::random_tensor(c.w, DType::Float32, seed++);
    Tensor b = test::random_tensor({c.w[0]}, DType::Float32, seed++);
    Tensor y = ops::conv3d(x, w, b, c.p);
    Tensor y64 = ops::conv3d(to64(x), to64(w), to64(b), c.p);
    EXPECT_LT(test::relative_error(y, y64), 2e-6);
    Tensor dy = test::random_tensor(y.shape(), DType::Float32, seed++);
    Tensor dx = ops::conv3d_backward_input(dy, w, x.shape(), c.p);
    Tensor dx64 = ops::conv3d_backward_input(to64(dy), to64(w), x.shape(), c.p);
    EXPECT_LT(test::relative_error(dx, dx64), 2e-6);
    Tensor dw = ops::conv3d_backward_weight(dy, x, w.shape(), c.p);
    Tensor dw64 = ops::conv3d_backward_weight(to64(dy), to64(x), w.shape(), c.p);
    EXPECT_LT(test::relative_error(dw, dw64), 2e-6);
  }
}

// The fast path must not be the reference in disguise: both run, both are close, and on a
// U-Net-sized layer they round differently somewhere (a test that would pass with the fast path
// switched off cannot tell us it works).
TEST(CpuFastPath, FastAndReferenceConvolutionAreDifferentCodePaths) {
  if (!ops::onednn_compiled()) GTEST_SKIP() << "this build has no oneDNN";
  Tensor x = test::random_tensor({1, 16, 12, 12, 12}, DType::Float32, 1);
  Tensor w = test::random_tensor({16, 16, 3, 3, 3}, DType::Float32, 2);
  Conv3dParams p{{1, 1, 1}, {1, 1, 1}};
  Tensor fast, reference;
  {
    CpuKernelsGuard g(CpuKernels::Fast);
    fast = ops::conv3d(x, w, Tensor(), p);
  }
  {
    CpuKernelsGuard g(CpuKernels::Reference);
    reference = ops::conv3d(x, w, Tensor(), p);
  }
  EXPECT_LT(test::relative_error(fast, reference), 2e-6);
  EXPECT_FALSE(bit_equal(fast, reference));
}

TEST(CpuFastPath, MatmulMatchesFloat64Reference) {
  if (!ops::openblas_compiled()) GTEST_SKIP() << "this build has no OpenBLAS";
  CpuKernelsGuard fast(CpuKernels::Fast);
  struct Case {
    Shape a, b;
    bool ta, tb;
  };
  // Large single products (threaded inside OpenBLAS), many small ones (spread over the batch),
  // transposes, a shared 2-D right operand, and an empty inner dimension.
  std::vector<Case> cases = {
      {{300, 200}, {200, 170}, false, false},   {{64, 7, 33}, {64, 33, 9}, false, false},
      {{5, 40, 12}, {5, 40, 12}, true, false},  {{6, 13, 17}, {6, 19, 17}, false, true},
      {{4, 3, 50, 20}, {20, 11}, false, false}, {{3, 8, 0}, {3, 0, 5}, false, false}};
  uint64_t seed = 40;
  for (const Case& c : cases) {
    SCOPED_TRACE(shape_str(c.a) + " · " + shape_str(c.b));
    Tensor a = shape_numel(c.a) ? test::random_tensor(c.a, DType::Float32, seed++)
                                : Tensor::zeros(c.a, DType::Float32);
    Tensor b = shape_numel(c.b) ? test::random_tensor(c.b, DType::Float32, seed++)
                                : Tensor::zeros(c.b, DType::Float32);
    Tensor y = ops::matmul(a, b, c.ta, c.tb);
    Tensor y64 = ops::matmul(to64(a), to64(b), c.ta, c.tb);
    const int64_t inner = c.ta ? c.a[c.a.size() - 2] : c.a.back();
    if (inner == 0)
      EXPECT_EQ(test::relative_error(y, y64), 0.0);  // an empty sum: exact zeros
    else
      EXPECT_LT(test::relative_error(y, y64), 2e-6);
  }
}

// Every threaded op, run with 1, 2 and 3 threads: identical bits. Chunks depend only on the
// sizes, oneDNN's convolutions never split a sum over threads, the weight gradient sums fixed
// groups, and OpenBLAS splits rows and columns but not the inner dimension.
TEST(CpuFastPath, ResultsDoNotDependOnTheThreadCount) {
  ThreadsGuard restore;
  CpuKernelsGuard fast(CpuKernels::Fast);
  Tensor x = test::random_tensor({2, 8, 20, 18, 16}, DType::Float32, 1);
  Tensor w = test::random_tensor({8, 8, 3, 3, 3}, DType::Float32, 2);
  Tensor b = test::random_tensor({8}, DType::Float32, 3);
  Tensor a = test::random_tensor({24, 96, 40}, DType::Float32, 4);
  Tensor m = test::random_tensor({24, 40, 96}, DType::Float32, 5);
  Tensor big_a = test::random_tensor({600, 300}, DType::Float32, 6);
  Tensor big_b = test::random_tensor({300, 500}, DType::Float32, 7);
  Tensor one_tile_a = test::random_tensor({200, 300}, DType::Float32, 8);
  Conv3dParams p{{1, 1, 1}, {1, 1, 1}};
  auto run_all = [&] {
    std::vector<Tensor> out;
    Tensor y = ops::conv3d(x, w, b, p);
    out.push_back(y);
    out.push_back(ops::conv3d_backward_input(y, w, x.shape(), p));
    out.push_back(ops::conv3d_backward_weight(y, x, w.shape(), p));
    out.push_back(ops::conv3d_backward_bias(y));
    out.push_back(ops::matmul(a, m));
    out.push_back(ops::matmul(big_a, big_b));
    out.push_back(ops::matmul(one_tile_a, big_b, false, false));
    ops::NormResult n = ops::instance_norm(x, 1e-5, true);
    out.push_back(n.out);
    out.push_back(n.mean);
    out.push_back(ops::instance_norm_backward(y, x, n.mean, n.rstd, true));
    out.push_back(ops::softmax(x, 1));
    out.push_back(ops::dropout(x, 0.3, 77, 5));
    out.push_back(ops::upsample_trilinear2x(x));
    out.push_back(ops::upsample_trilinear2x_backward(ops::upsample_trilinear2x(x), x.shape()));
    out.push_back(ops::add(x, y));
    out.push_back(ops::concat({x, y}, 1));
    return out;
  };
  set_cpu_threads(1);
  std::vector<Tensor> one = run_all();
  for (int threads : {2, 3}) {
    set_cpu_threads(threads);
    std::vector<Tensor> many = run_all();
    ASSERT_EQ(many.size(), one.size());
    for (size_t i = 0; i < one.size(); ++i)
      EXPECT_TRUE(bit_equal(one[i], many[i]))
          << "output " << i << " with " << threads << " threads";
  }
}

TEST(CpuFastPath, ThreadCountIsValidatedAndDefaultsToTheAffinityMask) {
  ThreadsGuard restore;
  EXPECT_GE(available_cores(), 1);
  EXPECT_THROW(set_cpu_threads(0), Error);
  set_cpu_threads(3);
  EXPECT_EQ(cpu_threads(), 3);
}

TEST(CpuFastPath, ParallelForRethrowsTheFirstFailureAfterEveryChunk) {
  ThreadsGuard restore;
  set_cpu_threads(2);
  std::vector<int> visited(64, 0);
  EXPECT_THROW(parallel_for(64, 1,
                            [&](int64_t begin, int64_t end) {
                              for (int64_t i = begin; i < end; ++i) visited[size_t(i)] = 1;
                              if (begin == 10) SEMISAM_FAIL("chunk ", begin, " failed");
                            }),
               Error);
  for (int v : visited) EXPECT_EQ(v, 1);
  EXPECT_EQ(parallel_sum(1000, 7,
                         [](int64_t b, int64_t e) {
                           double s = 0;
                           for (int64_t i = b; i < e; ++i) s += double(i);
                           return s;
                         }),
            999.0 * 1000.0 / 2.0);
}

TEST(CpuFastPath, CachingAllocatorReusesFreedBlocksAndPoisonsThemAgain) {
  release_host_cache();
  void* first = nullptr;
  {
    Tensor t = Tensor::empty({1 << 18}, DType::Float32);  // 1 MiB: cached on free
    first = t.data_ptr();
  }
  EXPECT_GE(host_cached_bytes(), size_t(1) << 20);
  {
    test::PoisonGuard poison;
    Tensor again = Tensor::empty({1 << 18}, DType::Float32);
    EXPECT_EQ(again.data_ptr(), first);  // the same block, served from the cache
    EXPECT_TRUE(std::isnan(ops::to_vector<float>(again)[12345]));
  }
  MemoryStats before = memory_stats(Device::cpu());
  {
    Tensor t = Tensor::empty({1 << 18}, DType::Float32);
    EXPECT_EQ(memory_stats(Device::cpu()).current_bytes, before.current_bytes + (size_t(1) << 20));
  }
  EXPECT_EQ(memory_stats(Device::cpu()).current_bytes, before.current_bytes);
  release_host_cache();
  EXPECT_EQ(host_cached_bytes(), 0u);
}

}  // namespace
}  // namespace semisam

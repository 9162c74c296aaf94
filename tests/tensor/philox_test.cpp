// The counter-based generator: known answers, the distributions it draws, and CPU/CUDA identity.
#include <gtest/gtest.h>

#include <cmath>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/random.h"
#include "tensor/philox.h"

namespace semisam {
namespace {

TEST(Philox, KnownAnswerForZeroCounterAndKey) {
  // Published known-answer vector of Philox-4x32-10 (Random123 kat_vectors).
  philox::Words w = philox::generate4(0, 0, 0, 0, 0, 0);
  EXPECT_EQ(w.v[0], 0x6627e8d5u);
  EXPECT_EQ(w.v[1], 0xe169c58du);
  EXPECT_EQ(w.v[2], 0xbc57ac4cu);
  EXPECT_EQ(w.v[3], 0x9b00dbd8u);
}

TEST(Philox, KnownAnswerForAllOnes) {
  philox::Words w = philox::generate4(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
                                      0xffffffffu, 0xffffffffu);
  EXPECT_EQ(w.v[0], 0x408f276du);
  EXPECT_EQ(w.v[1], 0x41c83b0eu);
  EXPECT_EQ(w.v[2], 0xa20bc7c6u);
  EXPECT_EQ(w.v[3], 0x6d5451fdu);
}

TEST(Philox, UniformAndNormalMoments) {
  Generator gen(1337);
  Tensor u = Tensor::empty({200000}, DType::Float64);
  Tensor n = Tensor::empty({200000}, DType::Float64);
  ops::uniform_(u, gen);
  ops::normal_(n, gen, 2.0, 3.0);
  double su = 0, sn = 0, sn2 = 0, lo = 1, hi = 0;
  for (double v : ops::to_vector<double>(u)) {
    su += v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  for (double v : ops::to_vector<double>(n)) {
    sn += v;
    sn2 += v * v;
  }
  double mean_n = sn / 200000, var_n = sn2 / 200000 - mean_n * mean_n;
  EXPECT_NEAR(su / 200000, 0.5, 0.005);
  EXPECT_GE(lo, 0.0);
  EXPECT_LT(hi, 1.0);
  EXPECT_NEAR(mean_n, 2.0, 0.03);
  EXPECT_NEAR(var_n, 9.0, 0.15);
}

TEST(Philox, StreamsContinueAcrossCalls) {
  Generator one(7), two(7);
  Tensor whole = Tensor::empty({10}, DType::Float32);
  Tensor first = Tensor::empty({4}, DType::Float32), rest = Tensor::empty({6}, DType::Float32);
  ops::normal_(whole, one);
  ops::normal_(first, two);
  ops::normal_(rest, two);
  std::vector<float> w = ops::to_vector<float>(whole), f = ops::to_vector<float>(first),
                     r = ops::to_vector<float>(rest);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(w[i], f[i]);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(w[4 + i], r[i]);
  EXPECT_EQ(one.offset(), 10u);
}

TEST(Philox, CudaStreamIsIdenticalToCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  for (DType dtype : {DType::Float32, DType::Float64, DType::BFloat16}) {
    Generator cpu_gen(99, 5), cuda_gen(99, 5);
    Tensor c = Tensor::empty({4099}, dtype);
    Tensor g = Tensor::empty({4099}, dtype, Device::cuda(0));
    ops::uniform_(c, cpu_gen, -1, 3);
    ops::uniform_(g, cuda_gen, -1, 3);
    EXPECT_EQ(ops::to_vector<double>(c), ops::to_vector<double>(g)) << dtype_name(dtype);
    ops::normal_(c, cpu_gen, 0, 0.1);
    ops::normal_(g, cuda_gen, 0, 0.1);
    EXPECT_EQ(ops::to_vector<double>(c), ops::to_vector<double>(g)) << dtype_name(dtype);
  }
}

}  // namespace
}  // namespace semisam

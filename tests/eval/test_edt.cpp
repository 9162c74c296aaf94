// Exact Euclidean distance transform: scipy fixtures, brute force on random anisotropic volumes,
// the 1-D lower envelope, the no-source convention and argument checks.
#include <gtest/gtest.h>

#include <limits>

#include "eval/cpu/edt_cpu.h"
#include "eval/edt.h"
#include "eval_test_util.h"
#include "fixture_reader.h"

namespace semisam::eval {
namespace {

using testing::Deviation;
using testing::Fixtures;
constexpr double kRelTol = 1e-12;  // rounding only: the arithmetic mirrors scipy's
constexpr double kInf = std::numeric_limits<double>::infinity();

Spacing spacing_of(const std::vector<double>& s) { return {s[0], s[1], s[2]}; }

TEST(Edt, MatchesScipyFixtures) {
  const Fixtures& fx = Fixtures::get();
  Deviation dev("edt vs scipy.ndimage.distance_transform_edt");
  const auto names = fx.lines("edt_cases");
  ASSERT_GE(names.size(), 5u);
  for (const std::string& name : names) {
    const Tensor mask = fx.mask("edt/" + name + "/mask");
    const Tensor got = distance_transform_edt(mask, spacing_of(fx.f64("edt/" + name + "/spacing")));
    const std::vector<double> want = fx.f64("edt/" + name + "/distance");
    ASSERT_EQ(got.shape(), mask.shape());
    ASSERT_EQ(got.dtype(), DType::Float64);
    for (size_t i = 0; i < want.size(); ++i)
      ASSERT_TRUE(dev.add(got.data<double>()[i], want[i], kRelTol))
          << name << " voxel " << i << ": " << got.data<double>()[i] << " vs " << want[i];
  }
}

// Distance to the nearest zero voxel by checking every zero voxel.
std::vector<double> brute_force_edt(const Tensor& mask, const Spacing& s) {
  const int64_t nx = mask.size(0), ny = mask.size(1), nz = mask.size(2);
  const uint8_t* m = mask.data<uint8_t>();
  std::vector<double> out(size_t(mask.numel()), kInf);
  for (int64_t i = 0; i < mask.numel(); ++i) {
    const int64_t x = i / (ny * nz), y = (i / nz) % ny, z = i % nz;
    for (int64_t j = 0; j < mask.numel(); ++j) {
      if (m[j]) continue;
      const double dx = double(j / (ny * nz) - x) * s.x, dy = double((j / nz) % ny - y) * s.y,
                   dz = double(j % nz - z) * s.z;
      out[size_t(i)] = std::min(out[size_t(i)], dx * dx + dy * dy + dz * dz);
    }
    out[size_t(i)] = std::sqrt(out[size_t(i)]);
  }
  (void)nx;
  return out;
}

TEST(Edt, MatchesBruteForceOnRandomAnisotropicVolumes) {
  Deviation dev("edt vs brute force");
  const Spacing spacings[] = {{1, 1, 1}, {0.3, 1.7, 2.9}, {2.5, 0.625, 0.625}};
  uint32_t seed = 1;
  for (const Spacing& s : spacings)
    for (double density : {0.97, 0.7, 0.3}) {
      const Tensor mask = testing::random_mask({11, 9, 13}, density, seed++, 0);
      const Tensor got = distance_transform_edt(mask, s);
      const std::vector<double> want = brute_force_edt(mask, s);
      for (size_t i = 0; i < want.size(); ++i)
        ASSERT_TRUE(dev.add(got.data<double>()[i], want[i], kRelTol)) << "voxel " << i;
    }
}

TEST(Edt, LowerEnvelopeMatchesBruteForce) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.0, 30.0);
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t n = 1 + trial % 23;
    const double step = 0.25 + 0.1 * (trial % 17);
    std::vector<double> f(static_cast<size_t>(n)), out(static_cast<size_t>(n));
    for (double& v : f) v = (rng() % 3 == 0) ? kInf : u(rng);
    cpu::EnvelopeScratch scratch(n);
    cpu::lower_envelope_1d(f.data(), n, step, out.data(), scratch);
    for (int64_t q = 0; q < n; ++q) {
      double want = kInf;
      for (int64_t p = 0; p < n; ++p) {
        const double t = double(q - p) * step;
        want = std::min(want, t * t + f[size_t(p)]);
      }
      EXPECT_EQ(out[size_t(q)], want) << "trial " << trial << " q " << q;
    }
  }
}

TEST(Edt, NoZeroVoxelGivesInfinityEverywhere) {
  Tensor ones = Tensor::empty({4, 3, 5}, DType::UInt8);
  std::fill(ones.data<uint8_t>(), ones.data<uint8_t>() + ones.numel(), uint8_t(1));
  const Tensor d = distance_transform_edt(ones);
  for (int64_t i = 0; i < d.numel(); ++i) EXPECT_EQ(d.data<double>()[i], kInf);
  const Tensor empty = Tensor::zeros({4, 3, 5}, DType::UInt8);
  const Tensor e = distance_to_nonzero(empty, {0.5, 1, 2});
  for (int64_t i = 0; i < e.numel(); ++i) EXPECT_EQ(e.data<double>()[i], kInf);
}

TEST(Edt, DistanceToNonzeroIsEdtOfComplement) {
  const Tensor mask = testing::random_mask({10, 12, 8}, 0.2, 99);
  Tensor complement = Tensor::empty(mask.shape(), DType::UInt8);
  for (int64_t i = 0; i < mask.numel(); ++i)
    complement.data<uint8_t>()[i] = mask.data<uint8_t>()[i] ? 0 : 1;
  const Spacing s{0.9, 1.1, 3.0};
  const Tensor a = distance_to_nonzero(mask, s), b = distance_transform_edt(complement, s);
  const Tensor sq = squared_distance_to_sources(mask, true, s);
  for (int64_t i = 0; i < a.numel(); ++i) {
    EXPECT_EQ(a.data<double>()[i], b.data<double>()[i]);
    EXPECT_EQ(a.data<double>()[i], std::sqrt(sq.data<double>()[i]));
  }
}

TEST(Edt, ZeroSizedVolumeGivesEmptyResult) {
  const Tensor d = distance_transform_edt(Tensor::zeros({0, 4, 4}, DType::UInt8));
  EXPECT_EQ(d.numel(), 0);
}

TEST(Edt, RejectsBadArguments) {
  EXPECT_THROW(distance_transform_edt(Tensor::zeros({4, 4}, DType::UInt8)), Error);
  EXPECT_THROW(distance_transform_edt(Tensor::zeros({4, 4, 4}, DType::Float32)), Error);
  EXPECT_THROW(distance_transform_edt(Tensor::zeros({4, 4, 4}, DType::UInt8), {1, 0, 1}), Error);
  EXPECT_THROW(distance_transform_edt(Tensor::zeros({4, 4, 4}, DType::UInt8), {1, 1, -2}), Error);
  const Tensor t = Tensor::zeros({4, 6, 4}, DType::UInt8).permute({1, 0, 2});
  try {
    distance_transform_edt(t);
    FAIL() << "a non-contiguous mask was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("distance_transform_edt"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace semisam::eval

// The fused prototype steps (kernels/prototype_similarity.h) against the host reference loops:
// prototypes bit for bit, pseudo-labels voxel for voxel, on random features with absent classes,
// duplicated prototypes (exact score ties), zero features (all scores 0), odd grids and volume
// shapes smaller and larger than the crop; the same bits for 1, 2 and 3 threads; CUDA against the
// CPU (skipped without a GPU).
#include <gtest/gtest.h>

#include "fused_test_util.h"
#include "kernels/prototype_similarity.h"
#include "ssl/pseudo_labels/prototypes.h"

namespace semisam {
namespace {

constexpr int64_t kCrop = 20;

// Feature maps [D, g, g, g]; every 5th cell holds zeros, so all their scores
// are 0 and the first class wins.
Tensor features(int64_t dim, int64_t grid, uint64_t seed) {
  std::vector<float> v =
      ops::to_vector<float>(test::random_tensor({dim, grid, grid, grid}, DType::Float32, seed));
  const int64_t cells = grid * grid * grid;
  for (int64_t d = 0; d < dim; ++d)
    for (int64_t c = 0; c < cells; c += 5) v[size_t(d * cells + c)] = 0.0f;
  return Tensor::from_vector(v, {dim, grid, grid, grid});
}

struct ProtoCase {
  int64_t dim, grid, classes;
  std::vector<uint8_t> labelled_classes;  // classes the labelled cases hold (others are absent)
  std::vector<Shape> labelled_shapes;
  Shape target;
};

const std::vector<ProtoCase>& cases() {
  static const std::vector<ProtoCase> all{
      {7, 4, 3, {0, 1, 2}, {{23, 17, 20}, {15, 22, 9}}, {25, 13, 21}},
      {5, 3, 4, {0, 2}, {{20, 20, 20}}, {11, 30, 20}},  // classes 1 and 3 absent
      {9, 5, 2, {0, 1}, {{8, 31, 19}, {20, 20, 20}, {33, 5, 7}}, {1, 1, 1}},
      {3, 1, 2, {1}, {{18, 21, 19}}, {20, 20, 20}},  // one cell, class 0 absent
  };
  return all;
}

ssl::Prototypes make_prototypes(const ProtoCase& p, uint64_t seed, bool fused) {
  std::vector<Tensor> spatial, labels;
  for (size_t i = 0; i < p.labelled_shapes.size(); ++i) {
    spatial.push_back(features(p.dim, p.grid, seed + i));
    labels.push_back(test::random_labels(p.labelled_shapes[i], p.labelled_classes, seed + 50 + i));
  }
  return fused ? ssl::compute_prototypes(spatial, labels, p.classes, kCrop)
               : ssl::compute_prototypes_reference(spatial, labels, p.classes, kCrop);
}

TEST(FusedPrototypes, PrototypesMatchTheReferenceBitForBit) {
  for (size_t i = 0; i < cases().size(); ++i) {
    const ssl::Prototypes fused = make_prototypes(cases()[i], 100 + i, true);
    const ssl::Prototypes reference = make_prototypes(cases()[i], 100 + i, false);
    EXPECT_TRUE(test::bit_equal(fused.vectors, reference.vectors)) << "case " << i;
    EXPECT_EQ(fused.present, reference.present) << "case " << i;
  }
}

TEST(FusedPrototypes, PseudoLabelsMatchTheReference) {
  for (size_t i = 0; i < cases().size(); ++i) {
    const ProtoCase& p = cases()[i];
    ssl::Prototypes protos = make_prototypes(p, 200 + i, false);
    const Tensor f = features(p.dim, p.grid, 300 + i);
    const Tensor want = ssl::prototype_pseudo_label_reference(f, protos, p.target, kCrop);
    EXPECT_TRUE(test::bit_equal(ssl::prototype_pseudo_label(f, protos, p.target, kCrop), want))
        << "case " << i;
    // Exact score ties: the last class's prototype repeated in class 0 (class 0 must win them).
    if (protos.present.back()) {
      ssl::Prototypes tied = protos;
      tied.vectors = ops::clone(protos.vectors);
      float* v = tied.vectors.data<float>();
      for (int64_t d = 0; d < p.dim; ++d) v[d] = v[(p.classes - 1) * p.dim + d];
      tied.present[0] = true;
      EXPECT_TRUE(test::bit_equal(ssl::prototype_pseudo_label(f, tied, p.target, kCrop),
                                  ssl::prototype_pseudo_label_reference(f, tied, p.target, kCrop)))
          << "case " << i << " with tied prototypes";
    }
  }
}

ops::LabelPlacement placement(const std::array<int64_t, 3>& crop,
                              const std::array<int64_t, 3>& volume,
                              const std::array<int64_t, 3>& offset) {
  ops::LabelPlacement p;
  p.crop = crop;
  p.volume = volume;
  p.offset = offset;
  return p;
}

TEST(FusedPrototypes, ResizeAndPasteFoldedIntoTheGather) {
  // A 64-cell axis resized to 82 (the legacy index reads one lower there), then placed with a
  // negative offset on x (crop voxels 0–2 dropped) and a positive one on y (volume rows 0–1 are 0).
  const Tensor f = test::random_tensor({4, 64, 2, 3}, DType::Float32, 9);
  const Tensor protos = ops::contiguous(test::random_tensor({3, 4}, DType::Float32, 10));
  const Tensor present = Tensor::from_vector(std::vector<uint8_t>{1, 0, 1}, {3});
  const Tensor cells =
      ops::prototype_labels(f, protos, present, placement({64, 2, 3}, {64, 2, 3}, {0, 0, 0}));
  const Tensor placed =
      ops::prototype_labels(f, protos, present, placement({82, 5, 1}, {80, 9, 2}, {-3, 2, 1}));
  const std::vector<uint8_t> c = ops::to_vector<uint8_t>(cells),
                             p = ops::to_vector<uint8_t>(placed);
  bool some_nonzero = false;
  for (int64_t x = 0; x < 80; ++x)
    for (int64_t y = 0; y < 9; ++y)
      for (int64_t z = 0; z < 2; ++z) {
        const int64_t i = x + 3, j = y - 2, k = z - 1;  // crop indices
        uint8_t want = 0;
        if (i < 82 && j >= 0 && j < 5 && k == 0) {
          const int64_t sx = std::min<int64_t>(int64_t(std::floor(float(i) * (64.0f / 82.0f))), 63);
          const int64_t sy = std::min<int64_t>(int64_t(std::floor(float(j) * (2.0f / 5.0f))), 1);
          want = c[size_t((sx * 2 + sy) * 3)];
        }
        some_nonzero |= want != 0;
        EXPECT_EQ(p[size_t((x * 9 + y) * 2 + z)], want) << x << ", " << y << ", " << z;
      }
  EXPECT_TRUE(some_nonzero);
}

TEST(FusedPrototypes, SameBitsForOneTwoThreeThreads) {
  test::ThreadsGuard restore;
  const ProtoCase& p = cases()[0];
  const Tensor f = features(p.dim, 9, 77);
  set_cpu_threads(1);
  const ssl::Prototypes protos =
      make_prototypes({p.dim, 9, 3, {0, 1, 2}, {{30, 25, 28}}, {}}, 400, true);
  const Tensor one = ssl::prototype_pseudo_label(f, protos, {41, 37, 29}, kCrop);
  for (int threads : {2, 3}) {
    set_cpu_threads(threads);
    const ssl::Prototypes again =
        make_prototypes({p.dim, 9, 3, {0, 1, 2}, {{30, 25, 28}}, {}}, 400, true);
    EXPECT_TRUE(test::bit_equal(again.vectors, protos.vectors)) << threads << " threads";
    EXPECT_TRUE(test::bit_equal(ssl::prototype_pseudo_label(f, protos, {41, 37, 29}, kCrop), one))
        << threads << " threads";
  }
}

TEST(FusedPrototypesCuda, MatchCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  const Device gpu = Device::cuda(0);
  for (size_t i = 0; i < cases().size(); ++i) {
    const ProtoCase& p = cases()[i];
    std::vector<Tensor> spatial, spatial_gpu, labels;
    for (size_t j = 0; j < p.labelled_shapes.size(); ++j) {
      spatial.push_back(features(p.dim, p.grid, 500 + i + j));
      spatial_gpu.push_back(ops::to_device(spatial.back(), gpu));
      labels.push_back(test::random_labels(p.labelled_shapes[j], p.labelled_classes, 600 + j));
    }
    // Masked sums add in the same order on both: the same prototypes.
    const ssl::Prototypes cpu = ssl::compute_prototypes(spatial, labels, p.classes, kCrop);
    const ssl::Prototypes dev = ssl::compute_prototypes(spatial_gpu, labels, p.classes, kCrop);
    EXPECT_TRUE(test::bit_equal(dev.vectors, cpu.vectors)) << "case " << i;
    EXPECT_EQ(dev.present, cpu.present) << "case " << i;
    const Tensor f = features(p.dim, p.grid, 700 + i);
    EXPECT_TRUE(
        test::bit_equal(ssl::prototype_pseudo_label(ops::to_device(f, gpu), cpu, p.target, kCrop),
                        ssl::prototype_pseudo_label(f, cpu, p.target, kCrop)))
        << "case " << i;
  }
}

}  // namespace
}  // namespace semisam

// SPEC §3 steps 2–4 on small grids (D = 6, g = 4, crop 16 unless said): prototypes against
// hand-built feature directions and brute-force means, pseudo-labels against hand-assigned cell
// classes pasted back by hand, and the inverse crop.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/error_text.h"
#include "common/test_util.h"
#include "kernels/copy.h"
#include "ssl/pseudo_labels/features.h"
#include "ssl/pseudo_labels/prototypes.h"

namespace semisam {
namespace {

constexpr int64_t kD = 6, kG = 4, kCrop = 16, kCells = kG * kG * kG;

// Where crop voxel i of an axis of length n came from (centre crop of size s), or -1 for padding:
// short axes are padded (s − n)//2 before, long ones cropped from (n − s)//2.
int64_t crop_source(int64_t i, int64_t n, int64_t s) {
  const int64_t orig = n < s ? i - (s - n) / 2 : i + (n - s) / 2;
  return orig >= 0 && orig < n ? orig : -1;
}

int64_t cell_index(int64_t cx, int64_t cy, int64_t cz) { return (cx * kG + cy) * kG + cz; }

std::vector<double> normalized(std::vector<double> v) {
  double n = 0;
  for (double x : v) n += x * x;
  for (double& x : v) x /= std::sqrt(n);
  return v;
}

// The class each cell of the g³ grid sees: the label at crop voxel 4·cell (16 → 4 legacy nearest
// reads every fourth voxel), 0 where that voxel is padding.
std::vector<uint8_t> sampled_cells(const std::vector<uint8_t>& label, const Shape& shape) {
  std::vector<uint8_t> cells(kCells, 0);
  for (int64_t cx = 0; cx < kG; ++cx)
    for (int64_t cy = 0; cy < kG; ++cy)
      for (int64_t cz = 0; cz < kG; ++cz) {
        const int64_t sx = crop_source(4 * cx, shape[0], kCrop),
                      sy = crop_source(4 * cy, shape[1], kCrop),
                      sz = crop_source(4 * cz, shape[2], kCrop);
        if (sx >= 0 && sy >= 0 && sz >= 0)
          cells[size_t(cell_index(cx, cy, cz))] =
              label[size_t((sx * shape[1] + sy) * shape[2] + sz)];
      }
  return cells;
}

// normalize(mean of the feature columns of the cells of class c); empty when there are none.
std::vector<double> brute_prototype(const std::vector<float>& f, const std::vector<uint8_t>& cells,
                                    uint8_t c) {
  std::vector<double> sum(kD, 0.0);
  int count = 0;
  for (int64_t v = 0; v < kCells; ++v) {
    if (cells[size_t(v)] != c) continue;
    ++count;
    for (int64_t d = 0; d < kD; ++d) sum[size_t(d)] += f[size_t(d * kCells + v)];
  }
  return count ? normalized(sum) : std::vector<double>{};
}

void expect_row(const Tensor& vectors, int64_t c, const std::vector<double>& want) {
  std::vector<float> got = ops::to_vector<float>(vectors[c]);
  ASSERT_EQ(got.size(), want.size());
  for (size_t d = 0; d < want.size(); ++d) EXPECT_NEAR(got[d], want[d], 1e-6) << "class " << c;
}

// A label whose every 4³ block holds one class, class_of(cx, cy, cz), on a 16³ volume.
template <typename Fn>
std::vector<uint8_t> block_label(Fn class_of) {
  std::vector<uint8_t> v(size_t(kCrop * kCrop * kCrop));
  for (int64_t x = 0; x < kCrop; ++x)
    for (int64_t y = 0; y < kCrop; ++y)
      for (int64_t z = 0; z < kCrop; ++z)
        v[size_t((x * kCrop + y) * kCrop + z)] = uint8_t(class_of(x / 4, y / 4, z / 4));
  return v;
}

TEST(Prototypes, ClassWithOneFeatureDirectionGetsThatUnitDirection) {
  const std::vector<std::vector<double>> dirs{
      {1, 2, 0, 0, 0, -1}, {0, 1, 0, 3, 0, 0}, {0, 0, -2, 0, 2, 2}};
  auto class_of = [](int64_t cx, int64_t cy, int64_t cz) { return (cx + cy + cz) % 3; };
  std::vector<float> f(size_t(kD * kCells));
  for (int64_t cx = 0; cx < kG; ++cx)
    for (int64_t cy = 0; cy < kG; ++cy)
      for (int64_t cz = 0; cz < kG; ++cz) {
        const int64_t v = cell_index(cx, cy, cz);
        const double scale = 1.0 + 0.25 * double(v);  // lengths differ; directions do not
        for (int64_t d = 0; d < kD; ++d)
          f[size_t(d * kCells + v)] = float(scale * dirs[size_t(class_of(cx, cy, cz))][size_t(d)]);
      }
  ssl::Prototypes p = ssl::compute_prototypes(
      {Tensor::from_vector(f, {kD, kG, kG, kG})},
      {Tensor::from_vector(block_label(class_of), {kCrop, kCrop, kCrop})}, 3, kCrop);
  ASSERT_EQ(p.num_classes, 3);
  ASSERT_EQ(p.vectors.shape(), (Shape{3, kD}));
  for (int64_t c = 0; c < 3; ++c) {
    EXPECT_TRUE(p.present[size_t(c)]);
    expect_row(p.vectors, c, normalized(dirs[size_t(c)]));
  }
}

TEST(Prototypes, NormalisedMeanOverSampledCellsAndAbsentClasses) {
  auto class_of = [](int64_t cx, int64_t cy, int64_t cz) { return (cx * cy + cz) % 2; };
  std::vector<uint8_t> label = block_label(class_of);
  // Class 2 only at voxel (1, 1, 1), which the 16 → 4 resize never reads: no prototype. Class 3
  // has no voxel at all.
  label[size_t((1 * kCrop + 1) * kCrop + 1)] = 2;
  Tensor f = test::random_tensor({kD, kG, kG, kG}, DType::Float32, 5);
  std::vector<float> fv = ops::to_vector<float>(f);
  ssl::Prototypes p = ssl::compute_prototypes(
      {f}, {Tensor::from_vector(label, {kCrop, kCrop, kCrop})}, 4, kCrop);
  std::vector<uint8_t> cells = block_label(class_of);
  cells = sampled_cells(cells, {kCrop, kCrop, kCrop});
  EXPECT_EQ(p.present, (std::vector<bool>{true, true, false, false}));
  expect_row(p.vectors, 0, brute_prototype(fv, cells, 0));
  expect_row(p.vectors, 1, brute_prototype(fv, cells, 1));
  expect_row(p.vectors, 2, std::vector<double>(kD, 0.0));
  expect_row(p.vectors, 3, std::vector<double>(kD, 0.0));
}

TEST(Prototypes, SeveralCasesAverageTheirUnitPrototypesOverCasesThatHaveTheClass) {
  // Case A (20 × 10 × 16) is cropped on x and padded on y (padding counts as background) and has
  // classes 0 and 1; case B (16³) also has class 2, whose prototype is then B's alone.
  const Shape sa{20, 10, 16}, sb{16, 16, 16};
  std::vector<uint8_t> la(size_t(shape_numel(sa))), lb(size_t(shape_numel(sb)));
  uint32_t state = 7;
  auto next = [&state] { return (state = state * 1664525u + 1013904223u) >> 24; };
  for (uint8_t& v : la) v = uint8_t(next() % 2);
  for (uint8_t& v : lb) v = uint8_t(next() % 3);
  Tensor fa = test::random_tensor({kD, kG, kG, kG}, DType::Float32, 21);
  Tensor fb = test::random_tensor({kD, kG, kG, kG}, DType::Float32, 22);
  ssl::Prototypes p = ssl::compute_prototypes(
      {fa, fb}, {Tensor::from_vector(la, sa), Tensor::from_vector(lb, sb)}, 3, kCrop);

  const std::vector<uint8_t> ca = sampled_cells(la, sa), cb = sampled_cells(lb, sb);
  const std::vector<float> va = ops::to_vector<float>(fa), vb = ops::to_vector<float>(fb);
  ASSERT_EQ(p.present, (std::vector<bool>{true, true, true}));
  for (uint8_t c = 0; c < 2; ++c) {
    std::vector<double> pa = brute_prototype(va, ca, c), pb = brute_prototype(vb, cb, c);
    ASSERT_FALSE(pa.empty() || pb.empty()) << "test data lacks class " << int(c);
    std::vector<double> mean(kD);
    for (size_t d = 0; d < size_t(kD); ++d) mean[d] = (pa[d] + pb[d]) / 2;
    expect_row(p.vectors, c, normalized(mean));
  }
  expect_row(p.vectors, 2, brute_prototype(vb, cb, 2));
}

TEST(Prototypes, RejectsLabelsBeyondTheClassCountAndMismatchedLists) {
  Tensor f = Tensor::zeros({kD, kG, kG, kG}, DType::Float32);
  std::vector<uint8_t> label(size_t(kCrop * kCrop * kCrop), 0);
  label[5] = 3;
  Tensor l = Tensor::from_vector(label, {kCrop, kCrop, kCrop});
  EXPECT_ERROR_MENTIONS(ssl::compute_prototypes({f}, {l}, 3, kCrop), "compute_prototypes",
                        "class 3", "num_classes is 3");
  EXPECT_ERROR_MENTIONS(ssl::compute_prototypes({f, f}, {l}, 4, kCrop), "2 feature maps",
                        "1 labels");
}

// Prototypes given directly, unit vectors or zero rows where absent.
ssl::Prototypes given_prototypes(const std::vector<std::vector<float>>& rows,
                                 const std::vector<bool>& present) {
  ssl::Prototypes p;
  p.num_classes = int64_t(rows.size());
  std::vector<float> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  p.vectors = Tensor::from_vector(flat, {p.num_classes, int64_t(rows[0].size())});
  p.present = present;
  return p;
}

TEST(PrototypePseudoLabel, CellArgmaxExpandsToBlocksAndPastesBack) {
  // Crop of 20 × 10 × 16: x from 2 (so x = 0, 1, 18, 19 lie outside), y padded 3 before.
  const Shape shape{20, 10, 16};
  auto class_of = [](int64_t cx, int64_t cy, int64_t cz) { return (cx + 2 * cy + cz) % 3; };
  std::vector<float> f(size_t(kD * kCells), 0.0f);
  for (int64_t cx = 0; cx < kG; ++cx)
    for (int64_t cy = 0; cy < kG; ++cy)
      for (int64_t cz = 0; cz < kG; ++cz) {
        const int64_t v = cell_index(cx, cy, cz), t = class_of(cx, cy, cz);
        const float scale = 0.5f + 0.1f * float(v);
        f[size_t(t * kCells + v)] = 2.5f * scale;
        f[size_t(((t + 1) % 3) * kCells + v)] = 0.3f * scale;
        f[size_t(5 * kCells + v)] = 0.1f * scale;
      }
  ssl::Prototypes p = given_prototypes(
      {{1, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0}}, {true, true, true});
  Tensor out = ssl::prototype_pseudo_label(Tensor::from_vector(f, {kD, kG, kG, kG}), p, shape,
                                           kCrop);
  ASSERT_EQ(out.shape(), shape);
  ASSERT_EQ(out.dtype(), DType::UInt8);
  const uint8_t* o = out.data<uint8_t>();
  for (int64_t x = 0; x < 20; ++x)
    for (int64_t y = 0; y < 10; ++y)
      for (int64_t z = 0; z < 16; ++z) {
        const int64_t i = x - 2, j = y + 3;  // crop coordinates
        const int want = i >= 0 && i < kCrop ? int(class_of(i / 4, j / 4, z / 4)) : 0;
        ASSERT_EQ(int(o[(x * 10 + y) * 16 + z]), want) << x << "," << y << "," << z;
      }
}

TEST(PrototypePseudoLabel, FirstMaximumWinsTies) {
  // crop 8, g 2, D 3: classes 1 and 2 share a prototype, so (1, 1, 0) scores 0, 1, 1 → class 1.
  const float h = float(1.0 / std::sqrt(2.0));
  ssl::Prototypes p = given_prototypes({{0, 0, 1}, {h, h, 0}, {h, h, 0}}, {true, true, true});
  std::vector<float> f(3 * 8, 0.0f);
  for (int64_t v = 0; v < 8; ++v) {
    if (v % 2 == 0) {
      f[size_t(0 * 8 + v)] = 3.0f;
      f[size_t(1 * 8 + v)] = 3.0f;
    } else {
      f[size_t(2 * 8 + v)] = 0.7f;
    }
  }
  Tensor out = ssl::prototype_pseudo_label(Tensor::from_vector(f, {3, 2, 2, 2}), p, {8, 8, 8}, 8);
  const uint8_t* o = out.data<uint8_t>();
  for (int64_t x = 0; x < 8; ++x)
    for (int64_t y = 0; y < 8; ++y)
      for (int64_t z = 0; z < 8; ++z) {
        const int64_t cell = ((x / 4) * 2 + y / 4) * 2 + z / 4;
        ASSERT_EQ(int(o[(x * 8 + y) * 8 + z]), cell % 2 == 0 ? 1 : 0);
      }
}

TEST(PrototypePseudoLabel, AbsentClassScoresZeroAndBeatsNegativeSimilarities) {
  // Reference quirk: class 1 has no prototype but scores 0, so a cell whose similarities to the
  // present classes are negative becomes class 1. Cells (x-major, 2³) and their scores:
  //   (−1, −1, 0): −.71, 0, −.71 → 1     (0, 0, 1): 0, 0, 0 → 0 (first maximum)
  //   (−1, .2, 0): −.98, 0, .20 → 2      (1, 0, 0): 1, 0, 0 → 0      the rest (0, 1, 0) → 2
  ssl::Prototypes p = given_prototypes({{1, 0, 0}, {0, 0, 0}, {0, 1, 0}}, {true, false, true});
  const std::vector<std::vector<float>> cells{{-1, -1, 0}, {0, 0, 1}, {-1, 0.2f, 0}, {1, 0, 0},
                                              {0, 1, 0},   {0, 1, 0}, {0, 1, 0},     {0, 1, 0}};
  const std::vector<int> want{1, 0, 2, 0, 2, 2, 2, 2};
  std::vector<float> f(3 * 8);
  for (size_t v = 0; v < 8; ++v)
    for (size_t d = 0; d < 3; ++d) f[d * 8 + v] = cells[v][d];
  Tensor out = ssl::prototype_pseudo_label(Tensor::from_vector(f, {3, 2, 2, 2}), p, {4, 4, 4}, 4);
  const uint8_t* o = out.data<uint8_t>();
  for (int64_t x = 0; x < 4; ++x)
    for (int64_t y = 0; y < 4; ++y)
      for (int64_t z = 0; z < 4; ++z)
        ASSERT_EQ(int(o[(x * 4 + y) * 4 + z]), want[size_t(((x / 2) * 2 + y / 2) * 2 + z / 2)]);
}

TEST(PrototypePseudoLabel, RejectsPrototypesOfAnotherWidth) {
  ssl::Prototypes p = given_prototypes({{1, 0, 0}, {0, 1, 0}}, {true, true});
  EXPECT_ERROR_MENTIONS(ssl::prototype_pseudo_label(Tensor::zeros({kD, kG, kG, kG}, DType::Float32),
                                                    p, {16, 16, 16}, kCrop),
                        "prototype_pseudo_label", "[num_classes, 6]", "float32[2, 3]");
}

TEST(PasteBack, UndoesPadAndCropInsideTheWindow) {
  for (const Shape& shape : {Shape{20, 10, 16}, Shape{5, 7, 3}, Shape{19, 22, 17}}) {
    Tensor v = test::random_tensor(shape, DType::Float32, 9);
    Tensor crop = ssl::pad_and_crop(v, ssl::centre_crop(shape, kCrop));
    Tensor back = ssl::paste_back(crop, shape, kCrop);
    ASSERT_EQ(back.shape(), shape);
    std::vector<float> vv = ops::to_vector<float>(v), bv = ops::to_vector<float>(back);
    for (int64_t x = 0; x < shape[0]; ++x)
      for (int64_t y = 0; y < shape[1]; ++y)
        for (int64_t z = 0; z < shape[2]; ++z) {
          // Inside the window when every axis is short (padded) or within the centred crop.
          auto inside = [&](int64_t i, int64_t n) {
            return n <= kCrop || (i >= (n - kCrop) / 2 && i < (n - kCrop) / 2 + kCrop);
          };
          const size_t k = size_t((x * shape[1] + y) * shape[2] + z);
          const bool in = inside(x, shape[0]) && inside(y, shape[1]) && inside(z, shape[2]);
          ASSERT_EQ(bv[k], in ? vv[k] : 0.0f) << shape_str(shape) << " " << x << "," << y << ","
                                             << z;
        }
  }
}

TEST(PasteBack, KeepsDtypeAndChecksTheCropShape) {
  std::vector<uint8_t> c(8, 0);
  for (size_t i = 0; i < 8; ++i) c[i] = uint8_t(i + 1);
  // 2³ crop of a 1 × 3 × 2 volume: x was padded 0 before and 1 after (crop x = 1 is padding), y
  // cropped from (3 − 2)//2 = 0 (volume y = 2 lies outside), z kept whole.
  Tensor back = ssl::paste_back(Tensor::from_vector(c, {2, 2, 2}), {1, 3, 2}, 2);
  ASSERT_EQ(back.dtype(), DType::UInt8);
  EXPECT_EQ(ops::to_vector<uint8_t>(back), (std::vector<uint8_t>{1, 2, 3, 4, 0, 0}));
  EXPECT_ERROR_MENTIONS(ssl::paste_back(Tensor::zeros({2, 2, 3}, DType::UInt8), {4, 4, 4}, 2),
                        "paste_back", "[2, 2, 2]");
}

TEST(ForegroundFraction, MeanOfPerCaseShares) {
  // Shares 2/8 and 4/4: the mean is 0.625 (pooled voxels would give 6/12 = 0.5).
  Tensor a = Tensor::from_vector(std::vector<uint8_t>{0, 1, 0, 0, 2, 0, 0, 0}, {2, 2, 2});
  Tensor b = Tensor::from_vector(std::vector<uint8_t>{1, 1, 3, 1}, {1, 1, 4});
  EXPECT_DOUBLE_EQ(ssl::foreground_fraction({a, b}), 0.625);
  EXPECT_DOUBLE_EQ(ssl::foreground_fraction({a}), 0.25);
  EXPECT_DOUBLE_EQ(ssl::foreground_fraction({}), 0.0);
}

}  // namespace
}  // namespace semisam

// The test previews: which slices are shown, and what each pixel of a slice shows.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error_text.h"
#include "ssl/run/slice_preview.h"

namespace semisam {
namespace {

Tensor volume_u8(const Shape& shape) { return Tensor::zeros(shape, DType::UInt8); }
int64_t index(const Shape& s, int64_t x, int64_t y, int64_t z) { return (x * s[1] + y) * s[2] + z; }

TEST(SlicePreview, SlicesSpreadOverTheForeground) {
  const Shape s{4, 4, 20};
  Tensor pred = volume_u8(s), truth = volume_u8(s);
  EXPECT_EQ(ssl::preview_slices(pred, truth, 3), (std::vector<int64_t>{10}));  // nothing: middle
  pred.data<uint8_t>()[index(s, 1, 1, 4)] = 1;
  truth.data<uint8_t>()[index(s, 2, 2, 15)] = 2;
  // Foreground z in [4, 15]: 12 slices, centres of three parts of 4 at 4+2, 4+6, 4+10.
  EXPECT_EQ(ssl::preview_slices(pred, truth, 3), (std::vector<int64_t>{6, 10, 14}));
  EXPECT_EQ(ssl::preview_slices(pred, Tensor(), 3), (std::vector<int64_t>{4}));  // one slice only
  EXPECT_EQ(ssl::preview_slices(pred, truth, 1), (std::vector<int64_t>{10}));
}

TEST(SlicePreview, PixelsShowScanFillAndOutline) {
  const Shape s{3, 4, 2};  // X rows, Y columns
  Tensor image = Tensor::zeros(s, DType::Float32);
  Tensor pred = volume_u8(s), truth = volume_u8(s);
  float* img = image.data<float>();
  for (int64_t x = 0; x < 3; ++x)
    for (int64_t y = 0; y < 4; ++y) img[index(s, x, y, 1)] = float(x * 4 + y);  // 0..11
  pred.data<uint8_t>()[index(s, 0, 3, 1)] = 2;                                  // row 0, column 3
  truth.data<uint8_t>()[index(s, 2, 0, 1)] = 1;                                 // row 2, column 0
  const io::RgbImage out = ssl::render_slice(image, pred, truth, 1, 2);
  ASSERT_EQ(out.width, 8);
  ASSERT_EQ(out.height, 6);
  // The darkest voxel (x 0, y 0) is black, the brightest but one is near white: the window is
  // the slice's 0.5th..99.5th percentile, i.e. 0..11 here.
  EXPECT_EQ(out.pixel(0, 0)[0], 0);
  EXPECT_EQ(out.pixel(1, 1)[0], 0);  // each voxel is 2 × 2 pixels
  EXPECT_EQ(out.pixel(5, 5)[0], uint8_t(std::lround(10.0 / 11.0 * 255)));  // x 2, y 2: value 10
  // The predicted class-2 voxel: 45 % of class 2's colour over its grey (value 3).
  const uint8_t grey = uint8_t(std::lround(3.0 / 11.0 * 255));
  const auto fill = ssl::class_fill_colour(2);
  for (int c = 0; c < 3; ++c)
    EXPECT_EQ(out.pixel(7, 0)[c], uint8_t(std::lround(0.55 * grey + 0.45 * fill[size_t(c)])));
  // A one-voxel ground truth is all outline.
  for (int c = 0; c < 3; ++c) EXPECT_EQ(out.pixel(0, 5)[c], ssl::kTruthOutline[size_t(c)]);
  // Other slices know nothing of slice 1's labels.
  const io::RgbImage other = ssl::render_slice(image, pred, truth, 0, 1);
  for (uint8_t v : other.rgb) EXPECT_EQ(v, 0);  // a constant slice is black, nothing drawn
}

TEST(SlicePreview, OutlineIsTheBoundaryOnly) {
  const Shape s{5, 5, 1};
  Tensor image = Tensor::zeros(s, DType::Float32), pred = volume_u8(s), truth = volume_u8(s);
  for (int64_t x = 1; x < 4; ++x)
    for (int64_t y = 1; y < 4; ++y) truth.data<uint8_t>()[index(s, x, y, 0)] = 1;
  const io::RgbImage out = ssl::render_slice(image, pred, truth, 0, 1);
  const auto is_outline = [&](int64_t col, int64_t row) {
    const uint8_t* p = out.pixel(col, row);
    return p[0] == 0 && p[1] == 255 && p[2] == 0;
  };
  EXPECT_FALSE(is_outline(2, 2));  // the centre of the 3 × 3 square
  EXPECT_TRUE(is_outline(1, 1));
  EXPECT_TRUE(is_outline(3, 2));
  EXPECT_FALSE(is_outline(0, 0));
}

TEST(SlicePreview, RefusesMismatchedInputs) {
  Tensor image = Tensor::zeros({4, 4, 4}, DType::Float32);
  EXPECT_ERROR_MENTIONS(ssl::render_slice(image, volume_u8({4, 4, 3}), Tensor(), 0, 1),
                        "prediction", "[4, 4, 3]");
  EXPECT_ERROR_MENTIONS(ssl::render_slice(image, volume_u8({4, 4, 4}), Tensor(), 4, 1), "slice 4");
  EXPECT_ERROR_MENTIONS(ssl::preview_slices(image, Tensor(), 3), "prediction", "float32");
  EXPECT_EQ(ssl::preview_scale(image), 8);  // 4 pixels → at most 8 ×
  EXPECT_EQ(ssl::preview_scale(Tensor::zeros({112, 80, 4}, DType::Float32)), 3);
}

}  // namespace
}  // namespace semisam

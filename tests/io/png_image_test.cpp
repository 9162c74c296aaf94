// PNG files through libpng: exact round trip, and errors that name the file.
#include <gtest/gtest.h>

#include <fstream>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "io/png_image.h"

namespace semisam {
namespace {

TEST(PngImage, RoundTripIsExact) {
  if (!io::png_supported()) GTEST_SKIP() << "this build has no libpng";
  test::TempDir dir;
  io::RgbImage image(7, 5);  // odd sizes: no row padding may creep in
  for (size_t i = 0; i < image.rgb.size(); ++i) image.rgb[i] = uint8_t((i * 37 + 11) % 256);
  image.pixel(6, 4)[1] = 255;
  io::write_png(dir.file("a.png"), image);
  const io::RgbImage back = io::read_png(dir.file("a.png"));
  EXPECT_EQ(back.width, 7);
  EXPECT_EQ(back.height, 5);
  EXPECT_EQ(back.rgb, image.rgb);
  EXPECT_EQ(back.pixel(6, 4)[1], 255);
}

TEST(PngImage, ErrorsNameTheFile) {
  if (!io::png_supported()) GTEST_SKIP() << "this build has no libpng";
  test::TempDir dir;
  const std::string bad = dir.file("not_a.png");
  std::ofstream(bad) << "plain text, not a PNG";
  EXPECT_ERROR_MENTIONS(io::read_png(bad), "not_a.png");
  EXPECT_ERROR_MENTIONS(io::read_png(dir.file("missing.png")), "missing.png");
  io::RgbImage wrong(4, 4);
  wrong.rgb.resize(10);
  EXPECT_ERROR_MENTIONS(io::write_png(dir.file("w.png"), wrong), "w.png", "4x4");
  EXPECT_ERROR_MENTIONS(io::write_png(dir.file("no/such/dir/x.png"), io::RgbImage(2, 2)), "x.png");
}

}  // namespace
}  // namespace semisam

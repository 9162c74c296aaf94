// 8-bit RGB images in and out of PNG files through libpng: the report's slice previews, and the
// tests that read back what a browser rendered. Optional at build time (the GPU machine may lack
// libpng's headers): png_supported() says whether this build has it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace semisam::io {

struct RgbImage {
  int64_t width = 0, height = 0;
  std::vector<uint8_t> rgb;  // row-major, 3 bytes a pixel, top row first

  RgbImage() = default;
  RgbImage(int64_t w, int64_t h, uint8_t grey = 0)
      : width(w), height(h), rgb(size_t(w * h * 3), grey) {}
  uint8_t* pixel(int64_t x, int64_t y) { return rgb.data() + 3 * (y * width + x); }
  const uint8_t* pixel(int64_t x, int64_t y) const { return rgb.data() + 3 * (y * width + x); }
};

bool png_supported();

// Writes `image` as an 8-bit RGB PNG, atomically (io/atomic_file.h). Errors name the file.
void write_png(const std::string& path, const RgbImage& image);

// Reads any 8- or 16-bit PNG (grey, palette, RGB, with or without alpha) as 8-bit RGB; alpha is
// composited over white, as a browser would show it on a white page.
RgbImage read_png(const std::string& path);

}  // namespace semisam::io

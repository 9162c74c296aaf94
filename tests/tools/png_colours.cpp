// Test helper: counts the pixels of a PNG near given colours, so shell tests can check what a
// browser rendered (tests/cli/cli_flags_test.sh checks report.html's charts and previews).
// Usage: png_colours FILE R,G,B [R,G,B ...]   prints "WIDTHxHEIGHT" then one count per colour
// (pixels within 3 of the colour in every channel).
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "io/png_image.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s FILE R,G,B [R,G,B ...]\n", argv[0]);
    return 2;
  }
  try {
    const semisam::io::RgbImage image = semisam::io::read_png(argv[1]);
    std::printf("%lldx%lld\n", (long long)image.width, (long long)image.height);
    for (int i = 2; i < argc; ++i) {
      int want[3];
      if (std::sscanf(argv[i], "%d,%d,%d", &want[0], &want[1], &want[2]) != 3) {
        std::fprintf(stderr, "not a colour R,G,B: %s\n", argv[i]);
        return 2;
      }
      long long count = 0;
      for (size_t p = 0; p + 2 < image.rgb.size(); p += 3)
        count += std::abs(image.rgb[p] - want[0]) <= 3 &&
                 std::abs(image.rgb[p + 1] - want[1]) <= 3 &&
                 std::abs(image.rgb[p + 2] - want[2]) <= 3;
      std::printf("%lld\n", count);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "png_colours: %s\n", e.what());
    return 1;
  }
  return 0;
}

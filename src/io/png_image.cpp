// libpng behind io/png_image.h. libpng reports errors through a longjmp; each call below keeps the
// longjmp inside one function that owns no C++ objects with destructors, and turns it into an
// exception after the jump.
#include "io/png_image.h"

#include <cstdio>
#include <cstring>
#include <cerrno>

#include "io/atomic_file.h"
#include "tensor/error.h"

#if SEMISAM_HAS_PNG
#include <png.h>
#endif

namespace semisam::io {

#if SEMISAM_HAS_PNG
namespace {

struct PngMessage {
  char text[256] = "";
};

void on_png_error(png_structp png, png_const_charp message) {
  auto* out = static_cast<PngMessage*>(png_get_error_ptr(png));
  std::snprintf(out->text, sizeof out->text, "%s", message);
  png_longjmp(png, 1);
}

void on_png_warning(png_structp, png_const_charp) {}

// Returns false (with `message` set) if libpng failed. Rows point into `image`.
bool encode(std::FILE* file, const RgbImage& image, PngMessage* message) {
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, message, on_png_error, on_png_warning);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_init_io(png, file);
  png_set_IHDR(png, info, png_uint_32(image.width), png_uint_32(image.height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int64_t y = 0; y < image.height; ++y)
    png_write_row(png, image.rgb.data() + size_t(y * image.width * 3));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

// The header is read first so the caller can size the image; then `decode_rows` fills it.
struct Reader {
  png_structp png = nullptr;
  png_infop info = nullptr;
};

bool read_header(std::FILE* file, Reader* r, PngMessage* message, png_uint_32* width,
                 png_uint_32* height) {
  r->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, message, on_png_error, on_png_warning);
  if (!r->png) return false;
  r->info = png_create_info_struct(r->png);
  if (!r->info || setjmp(png_jmpbuf(r->png))) return false;
  png_init_io(r->png, file);
  png_read_info(r->png, r->info);
  // Everything to 8-bit RGB: palettes expanded, grey widened, 16 bits cut, alpha over white.
  png_set_expand(r->png);
  png_set_strip_16(r->png);
  png_set_gray_to_rgb(r->png);
  png_color_16 white{0, 255, 255, 255, 255};
  png_set_background(r->png, &white, PNG_BACKGROUND_GAMMA_SCREEN, 0, 1.0);
  png_set_interlace_handling(r->png);
  png_read_update_info(r->png, r->info);
  *width = png_get_image_width(r->png, r->info);
  *height = png_get_image_height(r->png, r->info);
  return png_get_rowbytes(r->png, r->info) == size_t(*width) * 3;
}

bool decode_rows(Reader* r, RgbImage* image) {
  if (setjmp(png_jmpbuf(r->png))) return false;
  std::vector<png_bytep> rows(size_t(image->height));
  for (int64_t y = 0; y < image->height; ++y) rows[size_t(y)] = image->pixel(0, y);
  png_read_image(r->png, rows.data());
  png_read_end(r->png, nullptr);
  return true;
}

}  // namespace

bool png_supported() { return true; }

void write_png(const std::string& path, const RgbImage& image) {
  SEMISAM_CHECK(image.width > 0 && image.height > 0 &&
                    image.rgb.size() == size_t(image.width * image.height * 3),
                "cannot write ", path, ": an image of ", image.width, "x", image.height,
                " pixels needs ", image.width * image.height * 3, " bytes, it has ",
                image.rgb.size());
  write_atomically(path, [&](const std::string& temporary) {
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    SEMISAM_CHECK(file, "cannot create ", temporary, ": ", std::strerror(errno));
    PngMessage message;
    const bool encoded = encode(file, image, &message);
    const bool closed = std::fclose(file) == 0;
    SEMISAM_CHECK(encoded, "writing the PNG ", path, " failed: ", message.text);
    SEMISAM_CHECK(closed, "writing the PNG ", path, " failed: ", std::strerror(errno));
  });
}

RgbImage read_png(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  SEMISAM_CHECK(file, "cannot open ", path, ": ", std::strerror(errno));
  Reader reader;
  PngMessage message;
  png_uint_32 width = 0, height = 0;
  RgbImage image;
  bool ok = read_header(file, &reader, &message, &width, &height);
  if (ok) {
    image = RgbImage(int64_t(width), int64_t(height));
    ok = decode_rows(&reader, &image);
  }
  png_destroy_read_struct(&reader.png, &reader.info, nullptr);
  std::fclose(file);
  SEMISAM_CHECK(ok, "cannot read the PNG ", path, ": ",
                message.text[0] ? message.text : "unsupported pixel layout");
  return image;
}

#else

bool png_supported() { return false; }

void write_png(const std::string& path, const RgbImage&) {
  SEMISAM_FAIL("cannot write ", path,
               ": this build has no libpng (install libpng-dev and "
               "rebuild)");
}

RgbImage read_png(const std::string& path) {
  SEMISAM_FAIL("cannot read ", path,
               ": this build has no libpng (install libpng-dev and "
               "rebuild)");
}

#endif

}  // namespace semisam::io

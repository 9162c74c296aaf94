// Messages for malformed case files that used to mislead: a 0-sized axis caught late without the
// file's name, a string `image` called "not 3-D", a group `image` called missing while the key
// list showed `image`.
#include <gtest/gtest.h>
#include <hdf5.h>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "io/dataset.h"

namespace semisam::io {
namespace {

// A file whose root holds what `make` creates, written with the C API as a foreign tool would.
template <typename Make>
std::string file_with(const test::TempDir& dir, const std::string& name, Make make) {
  const std::string path = dir.file(name);
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(file, 0);
  make(file);
  H5Fclose(file);
  return path;
}

TEST(DatasetMessages, AZeroSizedAxisNamesTheFileAndShape) {
  test::TempDir dir;
  const std::string path = file_with(dir, "empty_axis.h5", [](hid_t file) {
    const hsize_t dims[3] = {0, 4, 4};
    hid_t space = H5Screate_simple(3, dims, nullptr);
    H5Dclose(
        H5Dcreate2(file, "image", H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(space);
  });
  EXPECT_ERROR_MENTIONS(load_image_file(path, "c"), path, "'image'", "[0, 4, 4]", "empty axis");
}

TEST(DatasetMessages, AStringImageIsCalledAString) {
  test::TempDir dir;
  const std::string path = file_with(dir, "string.h5", [](hid_t file) {
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 8);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t dataset = H5Dcreate2(file, "image", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, "volume!");
    H5Dclose(dataset);
    H5Sclose(space);
    H5Tclose(type);
  });
  const std::string message = test::error_of([&] { load_image_file(path, "c"); });
  EXPECT_NE(message.find("string"), std::string::npos) << message;
  EXPECT_NE(message.find("expected numbers"), std::string::npos) << message;
  EXPECT_EQ(message.find("not 3-D"), std::string::npos) << message;
}

TEST(DatasetMessages, AGroupNamedImageIsCalledAGroup) {
  test::TempDir dir;
  const std::string path = file_with(dir, "group.h5", [](hid_t file) {
    H5Gclose(H5Gcreate2(file, "image", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  });
  const std::string message = test::error_of([&] { load_image_file(path, "c"); });
  EXPECT_NE(message.find("'image' is a group, not a dataset"), std::string::npos) << message;
  EXPECT_EQ(message.find("has no"), std::string::npos) << message;
}

}  // namespace
}  // namespace semisam::io

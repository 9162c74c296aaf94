// A volume's declared size is bounded before anything is allocated: a 912 KB chunked HDF5 file
// declaring 2048³ float32 used to make `test` allocate 32 GiB and fail with an out-of-memory
// error that named no file.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "io/dataset.h"
#include "io/volume_limits.h"

namespace semisam::io {
namespace {

// An `image` dataset of `dims` float32, chunked and compressed, with no chunk ever written: the
// file stays a few KB whatever it declares.
void write_declared_only(const std::string& path, const std::vector<hsize_t>& dims) {
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
  hid_t properties = H5Pcreate(H5P_DATASET_CREATE);
  const hsize_t chunk[3] = {std::min<hsize_t>(dims[0], 64), std::min<hsize_t>(dims[1], 64),
                            std::min<hsize_t>(dims[2], 64)};
  H5Pset_chunk(properties, 3, chunk);
  H5Pset_deflate(properties, 6);
  hid_t dataset =
      H5Dcreate2(file, "image", H5T_IEEE_F32LE, space, H5P_DEFAULT, properties, H5P_DEFAULT);
  ASSERT_GE(dataset, 0);
  H5Dclose(dataset);
  H5Pclose(properties);
  H5Sclose(space);
  H5Fclose(file);
}

// Sets an environment variable for one test.
struct ScopedEnv {
  std::string name;
  ScopedEnv(const char* n, const char* value) : name(n) { ::setenv(n, value, 1); }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

TEST(VolumeLimits, A2048CubeIsRefusedNamingFileKeyAndShape) {
  test::TempDir dir;
  const std::string path = dir.file("huge.h5");
  write_declared_only(path, {2048, 2048, 2048});
  EXPECT_LT(std::filesystem::file_size(path), 100000u);
  EXPECT_ERROR_MENTIONS(load_image_file(path, "huge"), path, "'image'", "[2048, 2048, 2048]",
                        "8589934592 voxels", "SEMISAM_MAX_VOXELS");
}

TEST(VolumeLimits, TheLimitIsAnEnvironmentSetting) {
  test::TempDir dir;
  const std::string path = dir.file("small.h5");
  write_declared_only(path, {16, 16, 16});
  EXPECT_EQ(load_image_file(path, "small").image.numel(), 4096);
  {
    ScopedEnv limit("SEMISAM_MAX_VOXELS", "4095");
    EXPECT_ERROR_MENTIONS(load_image_file(path, "small"), path, "[16, 16, 16]", "4095");
  }
  {
    ScopedEnv limit("SEMISAM_MAX_VOXELS", "4096");
    EXPECT_EQ(load_image_file(path, "small").image.numel(), 4096);
  }
  {
    ScopedEnv limit("SEMISAM_MAX_VOXELS", "lots");
    EXPECT_ERROR_MENTIONS(max_volume_voxels(), "SEMISAM_MAX_VOXELS='lots'");
  }
  EXPECT_EQ(max_volume_voxels(), kDefaultMaxVolumeVoxels);
}

TEST(VolumeLimits, AnOverflowingProductIsTooLarge) {
  EXPECT_ERROR_MENTIONS(check_volume_size({int64_t(1) << 40, int64_t(1) << 40, 4}, "x.h5"), "x.h5",
                        "limit");
}

}  // namespace
}  // namespace semisam::io

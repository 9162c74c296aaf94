// Inputs that the fuzz harnesses (tests/fuzz) found to break a reader, kept as regression tests
// in the ordinary build (tests/data/fuzz/).
#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>
#include <hdf5.h>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "io/dataset.h"
#include "tensor/tensor.h"

namespace semisam {
namespace {

const std::string kFuzzDir = std::string(SEMISAM_TEST_DATA_DIR) + "/fuzz/";

// fuzz_h5_case: an HDF5 image dataset declaring 65540 x 844424930131971 x ... elements made
// Tensor::empty overflow int64 while computing strides and bytes (undefined behaviour, then a
// tiny allocation that HDF5 would have written gigabytes into).
TEST(FuzzRegressions, TensorShapesWhoseByteCountOverflowsAreRefused) {
  const int64_t big = int64_t(1) << 40;
  EXPECT_ERROR_MENTIONS(Tensor::empty({big, big}, DType::Float32), "Tensor::empty",
                        "[1099511627776, 1099511627776]", "float32", "2^63 bytes");
  // A zero size does not make the other sizes safe: strides still multiply them.
  EXPECT_ERROR_MENTIONS(Tensor::empty({0, big, big}, DType::UInt8), "2^63 bytes");
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_ERROR_MENTIONS(Tensor::empty({max, 2}, DType::UInt8), "2^63 bytes");
  EXPECT_EQ(Tensor::empty({0, 5}, DType::Float64).numel(), 0);
}

TEST(FuzzRegressions, CaseFileWithOverflowingShapeIsRefused) {
  const std::string path = kFuzzDir + "h5_case_overflowing_shape.h5";
  io::DatasetOptions options;
  std::string message =
      test::error_of([&] { io::load_case_file(path, "case", options, io::LabelMode::IfPresent); });
  EXPECT_FALSE(message.empty()) << "the file was accepted";
}

// fuzz_h5_case, long run: libhdf5 1.10 allocates what a damaged file declares before reading
// it. A version-0 superblock pointing at a "driver-information block" of 4 GB made H5Fopen
// allocate 4 GB (and take 71 s reading it); a datatype of 4294770692-byte numbers made H5Dread
// allocate 4 GB. Both are now refused from the file's own bytes before HDF5 is asked.
TEST(FuzzRegressions, HugeDriverInformationBlockIsRefusedBeforeOpening) {
  const std::string path = kFuzzDir + "h5_case_driver_block_4gb.h5";
  io::DatasetOptions options;
  EXPECT_ERROR_MENTIONS(io::load_case_file(path, "case", options, io::LabelMode::IfPresent), path,
                        "driver-information block at 96 declares 4278190080 bytes",
                        "the file is damaged");
}

TEST(FuzzRegressions, HugeNumbersAreRefusedBeforeReading) {
  const std::string path = kFuzzDir + "h5_case_4gb_numbers.h5";
  io::DatasetOptions options;
  EXPECT_ERROR_MENTIONS(io::load_case_file(path, "case", options, io::LabelMode::IfPresent), path,
                        "/image stores 4294770692-byte numbers");
}

// The same for chunks: a 4x4x4 dataset stored in one 128 MiB chunk (HDF5 allows chunks past an
// extendible dataset's extent) would make H5Dread allocate the whole chunk.
TEST(FuzzRegressions, ChunksFarLargerThanTheDatasetAreRefused) {
  test::TempDir dir;
  const std::string path = dir.file("big_chunks.h5");
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hsize_t dims[3] = {4, 4, 4};
  const hsize_t max_dims[3] = {H5S_UNLIMITED, H5S_UNLIMITED, H5S_UNLIMITED};
  const hsize_t chunk[3] = {1024, 1024, 32};
  hid_t space = H5Screate_simple(3, dims, max_dims);
  hid_t properties = H5Pcreate(H5P_DATASET_CREATE);
  ASSERT_GE(H5Pset_chunk(properties, 3, chunk), 0);
  hid_t dataset = H5Dcreate2(file, "image", H5T_IEEE_F32LE, space, H5P_DEFAULT, properties,
                             H5P_DEFAULT);
  ASSERT_GE(dataset, 0);
  // Nothing written: the chunk is only declared, which is all a hostile file needs.
  H5Dclose(dataset);
  H5Pclose(properties);
  H5Sclose(space);
  H5Fclose(file);
  io::DatasetOptions options;
  EXPECT_ERROR_MENTIONS(io::load_case_file(path, "case", options, io::LabelMode::IfPresent), path,
                        "/image is stored in chunks of 134217728 bytes");
}

}  // namespace
}  // namespace semisam

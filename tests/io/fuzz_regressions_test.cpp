// Inputs that the fuzz harnesses (tests/fuzz) found to break a reader, kept as regression tests
// in the ordinary build (tests/data/fuzz/).
#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "common/error_text.h"
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

}  // namespace
}  // namespace semisam

// The stored convolution-algorithm choices of benchmark searches (issue 14): what a training state
// carries so a resumed run uses the same cuDNN algorithms. The text round-trips and bad text is
// refused by line; this needs the CUDA backend compiled, not a GPU.
#include <gtest/gtest.h>

#include "common/error_text.h"
#include "kernels/conv3d.h"
#include "tensor/device.h"

namespace semisam {
namespace {

// Pass, device, batch, channels in/out, data type, layout, tf32, deterministic, search, then
// (input, kernel, stride, padding) per axis; then algorithm, math type, workspace bytes.
const char* kTwoChoices =
    "conv 0 0 2 16 16 0 0 1 1 1 128 3 1 1 128 3 1 1 128 3 1 1 : 1 0 4096\n"
    "conv 2 0 2 1 16 0 0 1 1 1 128 3 1 1 128 3 1 1 128 3 1 1 : 3 3 0\n";

TEST(ConvAlgorithmStore, RoundTripsAndRefusesBadLines) {
  EXPECT_EQ(ops::parse_conv_algo_search("benchmark"), ops::ConvAlgoSearch::Benchmark);
  EXPECT_ERROR_MENTIONS(ops::parse_conv_algo_search("fastest"), "fastest", "heuristic");
  if (!cuda_compiled()) {
    // Without the CUDA backend nothing is chosen, and stored choices are ignored.
    ops::import_conv_algorithms(kTwoChoices, "state.h5");
    EXPECT_EQ(ops::export_conv_algorithms(), "");
    return;
  }
  ops::import_conv_algorithms(kTwoChoices, "state.h5");
  const std::string exported = ops::export_conv_algorithms();
  EXPECT_NE(exported.find("conv 0 0 2 16 16 0 0 1 1 1 128 3 1 1 128 3 1 1 128 3 1 1 : 1 0 4096\n"),
            std::string::npos)
      << exported;
  EXPECT_NE(exported.find("conv 2 0 2 1 16 0 0 1 1 1 128 3 1 1 128 3 1 1 128 3 1 1 : 3 3 0\n"),
            std::string::npos);
  // Importing what was exported changes nothing.
  ops::import_conv_algorithms(exported, "again");
  EXPECT_EQ(ops::export_conv_algorithms(), exported);

  EXPECT_ERROR_MENTIONS(ops::import_conv_algorithms("\nconv 1 2 3 : 1 0 0\n", "s.h5"), "s.h5",
                        "line 2");
  EXPECT_ERROR_MENTIONS(
      ops::import_conv_algorithms(
          "conv 0 0 2 16 16 0 0 1 1 0 128 3 1 1 128 3 1 1 128 3 1 1 : 1 0 0", "s.h5"),
      "line 1", "search 0");  // a heuristic choice is never stored
  EXPECT_ERROR_MENTIONS(
      ops::import_conv_algorithms(
          "conv 0 0 2 16 16 0 0 1 1 1 128 3 1 1 128 3 1 1 128 3 1 1 : 1 9 0", "s.h5"),
      "math type 9");
  EXPECT_ERROR_MENTIONS(
      ops::import_conv_algorithms(
          "conv 0 0 2 16 16 0 0 1 1 1 128 3 1 1 128 3 1 1 128 3 1 1 : 1 0 0 extra", "s.h5"),
      "line 1");
}

}  // namespace
}  // namespace semisam

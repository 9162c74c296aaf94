// Element types: sizes, names, and the bfloat16/float16 rounding shared by host and device.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tensor/dtype.h"
#include "tensor/error.h"

namespace semisam {
namespace {

TEST(DType, SizesAndNames) {
  EXPECT_EQ(dtype_size(DType::BFloat16), 2u);
  EXPECT_EQ(dtype_size(DType::Int64), 8u);
  EXPECT_EQ(dtype_from_name("float16"), DType::Float16);
  EXPECT_THROW(dtype_from_name("float8"), Error);
  EXPECT_TRUE(is_floating(DType::BFloat16));
  EXPECT_FALSE(is_floating(DType::UInt8));
}

TEST(BFloat16, RoundsToNearestEven) {
  EXPECT_EQ(float(bfloat16(1.0f)), 1.0f);
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even gives 1.
  EXPECT_EQ(float(bfloat16(1.0f + 1.0f / 256)), 1.0f);
  // 1 + 3·2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: ties to even gives 1 + 2^-6.
  EXPECT_EQ(float(bfloat16(1.0f + 3.0f / 256)), 1.0f + 1.0f / 64);
  EXPECT_TRUE(std::isnan(float(bfloat16(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_TRUE(std::isinf(float(bfloat16(std::numeric_limits<float>::infinity()))));
}

TEST(Float16, RoundTripsRepresentableValuesAndRounds) {
  for (float v : {0.0f, -0.0f, 1.0f, -2.5f, 65504.0f, 6.103515625e-05f, 5.960464477539063e-08f})
    EXPECT_EQ(float(float16(v)), v) << v;
  EXPECT_TRUE(std::isinf(float(float16(70000.0f))));
  EXPECT_EQ(float(float16(1.0f + 1.0f / 2048)), 1.0f);  // tie to even
  EXPECT_EQ(float(float16(1.0f + 3.0f / 2048)), 1.0f + 1.0f / 512);
  EXPECT_EQ(float(float16(2.0e-8f)), 0.0f);             // below half the smallest subnormal
  EXPECT_EQ(float(float16(4.0e-8f)), 5.960464477539063e-08f);
  EXPECT_TRUE(std::isnan(float(float16(std::nanf("")))));
}

}  // namespace
}  // namespace semisam

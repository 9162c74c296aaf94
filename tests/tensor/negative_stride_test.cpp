// Views with negative strides (flips): the bounds check of as_strided and copies through them.
#include <gtest/gtest.h>

#include <vector>

#include "common/error_text.h"
#include "kernels/copy.h"
#include "tensor/tensor.h"

namespace semisam {
namespace {

using V = std::vector<float>;

Tensor counting(int64_t rows, int64_t cols) {
  V v(size_t(rows * cols));
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i);
  return Tensor::from_vector(v, {rows, cols});
}

TEST(NegativeStride, FlippedViewsReadBackwards) {
  Tensor t = counting(2, 3);  // [[0, 1, 2], [3, 4, 5]]
  Tensor cols_reversed = t.as_strided({2, 3}, {3, -1}, 2);
  EXPECT_EQ(ops::to_vector<float>(cols_reversed), (V{2, 1, 0, 5, 4, 3}));
  Tensor both_reversed = t.as_strided({2, 3}, {-3, -1}, 5);
  EXPECT_EQ(ops::to_vector<float>(both_reversed), (V{5, 4, 3, 2, 1, 0}));
  // Narrowing a flipped view moves its offset backwards through the storage.
  EXPECT_EQ(ops::to_vector<float>(both_reversed.narrow(1, 1, 2)), (V{4, 3, 1, 0}));
  // Copying into a flipped destination writes backwards.
  Tensor dst = Tensor::zeros({2, 3}, DType::Float32);
  ops::copy_(dst.as_strided({2, 3}, {-3, 1}, 3), t);
  EXPECT_EQ(ops::to_vector<float>(dst), (V{3, 4, 5, 0, 1, 2}));
}

TEST(NegativeStride, BoundsCheckCoversTheLowestAndHighestElement) {
  Tensor t = counting(2, 3);
  // Offset 1 walking back 2 columns reaches element −1.
  EXPECT_ERROR_MENTIONS(t.as_strided({2, 3}, {3, -1}, 1), "as_strided", "-1..4");
  // Offset 6 is past the end even though every negative step stays inside.
  EXPECT_ERROR_MENTIONS(t.as_strided({1, 3}, {3, -1}, 6), "as_strided", "4..6");
  // Mixed signs: the highest element is offset + (rows − 1)·3.
  EXPECT_ERROR_MENTIONS(t.as_strided({3, 3}, {3, -1}, 2), "as_strided", "0..8");
  EXPECT_NO_THROW(t.as_strided({2, 3}, {3, -1}, 2));
  // An empty view addresses nothing, so any offset is allowed.
  EXPECT_NO_THROW(t.as_strided({0, 3}, {3, -1}, 0));
}

}  // namespace
}  // namespace semisam

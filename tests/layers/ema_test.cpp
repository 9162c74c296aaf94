// EMA of parameter sets against hand-computed values over three iterations of the mean-teacher
// schedule α = min(1 − 1/(i + 1), 0.99).
#include <gtest/gtest.h>

#include "kernels/copy.h"
#include "layers/ema.h"

namespace semisam {
namespace {

TEST(Ema, AlphaSchedule) {
  EXPECT_EQ(layers::ema_alpha(0), 0.0);  // the teacher copies the student after iteration 0
  EXPECT_EQ(layers::ema_alpha(1), 0.5);
  EXPECT_NEAR(layers::ema_alpha(2), 2.0 / 3, 1e-15);
  EXPECT_EQ(layers::ema_alpha(99), 0.99);
  EXPECT_EQ(layers::ema_alpha(5000), 0.99);
}

TEST(Ema, ThreeIterationsByHand) {
  // Teacher starts at [1, 2] and [5]; the student is [3, −1] and [4] at iterations 0 and 1 and
  // [6, 2] and [1] at iteration 2.
  //  i = 0, α = 0:   teacher = student = [3, −1], [4]
  //  i = 1, α = 1/2: teacher = ([3, −1] + [3, −1])/2 = [3, −1], [4]
  //  i = 2, α = 2/3: teacher = 2/3·[3, −1] + 1/3·[6, 2] = [4, 0]; 2/3·4 + 1/3·1 = 3
  std::vector<ag::Variable> teacher{ag::parameter(Tensor::from_vector<double>({1, 2}, {2}), "a"),
                                    ag::parameter(Tensor::from_vector<double>({5}, {1}), "b")};
  std::vector<ag::Variable> student{ag::parameter(Tensor::from_vector<double>({3, -1}, {2}), "a"),
                                    ag::parameter(Tensor::from_vector<double>({4}, {1}), "b")};
  layers::ema_update(teacher, student, layers::ema_alpha(0));
  EXPECT_EQ(ops::to_vector<double>(teacher[0].value()), (std::vector<double>{3, -1}));
  EXPECT_EQ(ops::item(teacher[1].value()), 4.0);
  layers::ema_update(teacher, student, layers::ema_alpha(1));
  EXPECT_EQ(ops::to_vector<double>(teacher[0].value()), (std::vector<double>{3, -1}));
  student[0].set_value(Tensor::from_vector<double>({6, 2}, {2}));
  student[1].set_value(Tensor::from_vector<double>({1}, {1}));
  layers::ema_update(teacher, student, layers::ema_alpha(2));
  std::vector<double> t0 = ops::to_vector<double>(teacher[0].value());
  EXPECT_NEAR(t0[0], 4.0, 1e-15);
  EXPECT_NEAR(t0[1], 0.0, 1e-15);
  EXPECT_NEAR(ops::item(teacher[1].value()), 3.0, 1e-15);
  EXPECT_THROW(layers::ema_update(teacher, {student[0]}, 0.5), Error);
}

}  // namespace
}  // namespace semisam

// The Mean-Teacher iteration on the CPU: it learns a toy problem, is reproducible by seed, and
// keeps the teacher an EMA of the student.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "ssl/toy_batch.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "ssl/training/mean_teacher.h"

namespace semisam {
namespace {

ssl::MeanTeacherOptions tiny_options() {
  ssl::MeanTeacherOptions o;
  o.network.base_filters = 2;
  o.max_iterations = 40;
  o.base_lr = 0.05;
  return o;
}

TEST(MeanTeacher, SupervisedLossFallsOnAToyProblem) {
  ssl::MeanTeacher mt(tiny_options());
  Tensor images, labels;
  test::toy_batch(images, labels);
  double first = 0, last = 0;
  for (int i = 0; i < 40; ++i) {
    ssl::MeanTeacherLosses l = mt.step(images, labels, i);
    double sup = ops::item(l.supervised);
    ASSERT_TRUE(std::isfinite(sup)) << "iteration " << i;
    if (i == 0) first = sup;
    last = sup;
  }
  EXPECT_LT(last, 0.6 * first) << "first " << first << ", last " << last;
}

TEST(MeanTeacher, SameSeedGivesIdenticalLosses) {
  Tensor images, labels;
  test::toy_batch(images, labels);
  ssl::MeanTeacher a(tiny_options()), b(tiny_options());
  for (int i = 0; i < 3; ++i) {
    ssl::MeanTeacherLosses la = a.step(images, labels, i), lb = b.step(images, labels, i);
    EXPECT_EQ(ops::item(la.total), ops::item(lb.total)) << "iteration " << i;
    EXPECT_EQ(ops::item(la.consistency), ops::item(lb.consistency)) << "iteration " << i;
  }
  ssl::MeanTeacherOptions other = tiny_options();
  other.seed = 7;
  ssl::MeanTeacher c(other);
  EXPECT_NE(ops::item(c.step(images, labels, 0).total),
            ops::item(ssl::MeanTeacher(tiny_options()).step(images, labels, 0).total));
}

TEST(MeanTeacher, TeacherCopiesTheStudentAfterTheFirstStepThenLags) {
  ssl::MeanTeacher mt(tiny_options());
  Tensor images, labels;
  test::toy_batch(images, labels);
  mt.step(images, labels, 0);  // α = min(1 − 1/1, 0.99) = 0: the teacher becomes the student
  auto s = mt.student().parameter_values(), t = mt.teacher().parameter_values();
  for (size_t i = 0; i < s.size(); ++i)
    EXPECT_EQ(ops::to_vector<float>(s[i].second), ops::to_vector<float>(t[i].second)) << s[i].first;
  mt.step(images, labels, 1);  // α = 0.5: the teacher sits halfway between old and new student
  s = mt.student().parameter_values();
  t = mt.teacher().parameter_values();
  double diff = test::relative_error(t[0].second, s[0].second);
  EXPECT_GT(diff, 0.0);
}

TEST(MeanTeacher, LearningRateFollowsThePolySchedule) {
  ssl::MeanTeacher mt(tiny_options());
  Tensor images, labels;
  test::toy_batch(images, labels);
  EXPECT_DOUBLE_EQ(mt.step(images, labels, 0).lr, 0.05);
  EXPECT_DOUBLE_EQ(mt.step(images, labels, 1).lr, 0.05);  // set after iteration 0: (1 − 0)^0.9
  EXPECT_NEAR(mt.optimizer().lr(), 0.05 * std::pow(1 - 1.0 / 40, 0.9), 1e-15);
}

TEST(MeanTeacher, RejectsABatchWithoutUnlabelledCases) {
  ssl::MeanTeacher mt(tiny_options());
  Tensor images = Tensor::zeros({1, 1, 16, 16, 16}, DType::Float32);
  Tensor labels = Tensor::zeros({1, 16, 16, 16}, DType::UInt8);
  EXPECT_THROW(mt.step(images, labels, 0), Error);
}

}  // namespace
}  // namespace semisam

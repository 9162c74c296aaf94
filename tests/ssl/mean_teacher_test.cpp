// The Mean-Teacher iteration on the CPU: it learns a toy problem, is reproducible by seed, and
// keeps the teacher an EMA of the student.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "ssl/mean_teacher.h"

namespace semisam {
namespace {

ssl::MeanTeacherOptions tiny_options() {
  ssl::MeanTeacherOptions o;
  o.network.base_filters = 2;
  o.max_iterations = 40;
  o.base_lr = 0.05;
  return o;
}

// Two 16³ volumes: a bright cube (label 1) on noise; the second case carries a "pseudo-label"
// equal to its truth.
void toy_batch(Tensor& images, Tensor& labels) {
  images = test::random_tensor({2, 1, 16, 16, 16}, DType::Float32, 21);
  labels = Tensor::zeros({2, 16, 16, 16}, DType::UInt8);
  float* im = images.data<float>();
  uint8_t* lab = labels.data<uint8_t>();
  for (int n = 0; n < 2; ++n)
    for (int x = 0; x < 16; ++x)
      for (int y = 0; y < 16; ++y)
        for (int z = 0; z < 16; ++z) {
          bool inside = x >= 4 + n && x < 11 + n && y >= 5 && y < 12 && z >= 3 && z < 10;
          int64_t i = ((int64_t(n) * 16 + x) * 16 + y) * 16 + z;
          if (inside) {
            im[i] = im[i] * 0.3f + 2.0f;
            lab[i] = 1;
          }
        }
}

TEST(MeanTeacher, SupervisedLossFallsOnAToyProblem) {
  ssl::MeanTeacher mt(tiny_options());
  Tensor images, labels;
  toy_batch(images, labels);
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
  toy_batch(images, labels);
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
  toy_batch(images, labels);
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
  toy_batch(images, labels);
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

// The backbones mt, uamt and dtc behind ssl::Backbone on the CPU (16³ volumes, width 2): each
// learns a toy problem, is reproducible by seed, resumes bit-identically from saved state, and
// validates names and state; plus make_backbone's own checks. DAN runs at 96³ in
// backbone_dan_test.cpp.
#include "ssl/training/backbone.h"

#include <gtest/gtest.h>

#include <optional>

#include <cmath>
#include <string>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "common/test_util.h"
#include "kernels/cpu_backend.h"
#include "ssl/toy_batch.h"
#include "io/checkpoint.h"
#include "kernels/copy.h"
#include "ssl/training/mean_teacher.h"

namespace semisam {
namespace {

ssl::BackboneOptions tiny_options(const std::string& name) {
  ssl::BackboneOptions o;
  o.name = name;
  o.network.base_filters = 2;
  // A high, slowly decaying rate so that 30 iterations show learning (DTC's binary Dice on
  // sigmoids moves slowest).
  o.max_iterations = 200;
  o.base_lr = 0.1;
  return o;
}

double term(const ssl::StepReport& r, const std::string& name) {
  for (const auto& [n, value] : r.terms)
    if (n == name) return ops::item(value);
  ADD_FAILURE() << "no term '" << name << "'";
  return NAN;
}

std::vector<double> all_terms(const ssl::StepReport& r) {
  std::vector<double> out;
  for (const auto& entry : r.terms) out.push_back(ops::item(entry.second));
  out.push_back(r.lr);
  return out;
}

class EachBackbone : public ::testing::TestWithParam<std::string> {};

TEST_P(EachBackbone, SupervisedLossFallsOnAToyProblem) {
  // DTC's consistency term passes the SDF head through sigmoid(−1500·x), which magnifies every
  // rounding difference 1500-fold; on this 30-step toy at lr 0.1 the trajectory then depends on
  // the last bit of each convolution (with the CPU fast paths it stays on a plateau that the
  // reference loops leave, and disabling any single fast op flips it back). The fast paths are
  // checked op by op against float64 in tests/kernels; here DTC runs on the reference loops so
  // the test judges learning, not rounding.
  std::optional<ops::CpuKernelsGuard> kernels;
  if (GetParam() == "dtc") kernels.emplace(ops::CpuKernels::Reference);
  auto b = ssl::make_backbone(tiny_options(GetParam()));
  Tensor images, labels;
  test::toy_batch(images, labels);
  double first = 0, last = 0;
  for (int i = 0; i < 30; ++i) {
    ssl::StepReport r = b->step(images, labels, i);
    for (const auto& [name, value] : r.terms)
      ASSERT_TRUE(std::isfinite(ops::item(value))) << name << " at iteration " << i;
    double sup = term(r, "supervised");
    if (i == 0) first = sup;
    last = sup;
  }
  EXPECT_LT(last, 0.6 * first) << "first " << first << ", last " << last;
  // What validation sees: the foreground of predict_logits overlaps the box. DTC's Dice trains
  // every channel's sigmoid towards the mask and only its 0.01·CE tells the channels apart, too
  // weakly to show in 30 iterations: there the foreground is where channel 1's sigmoid is > 0.5.
  const bool by_sigmoid = GetParam() == "dtc";
  std::vector<float> logits = ops::to_vector<float>(b->predict_logits(images));
  std::vector<uint8_t> truth = ops::to_vector<uint8_t>(labels);
  const size_t volume = 16 * 16 * 16;
  double overlap = 0, predicted = 0, actual = 0;
  for (size_t n = 0; n < 2; ++n)
    for (size_t v = 0; v < volume; ++v) {
      const float background = by_sigmoid ? 0.0f : logits[2 * n * volume + v];
      const bool fg = logits[(2 * n + 1) * volume + v] > background;
      const bool t = truth[n * volume + v] == 1;
      overlap += fg && t;
      predicted += fg;
      actual += t;
    }
  EXPECT_GT(2 * overlap / (predicted + actual), 0.5);
}

TEST_P(EachBackbone, TotalIsTheWeightedSumOfItsTerms) {
  ssl::BackboneOptions o = tiny_options(GetParam());
  o.dtc_sdf_weight = 0.3;  // only dtc reads it: its "sdf" term joins the sum
  auto b = ssl::make_backbone(o);
  Tensor images, labels;
  test::toy_batch(images, labels);
  b->step(images, labels, 0);
  ssl::StepReport r = b->step(images, labels, 170);  // weights well away from 0 and 1
  EXPECT_DOUBLE_EQ(r.consistency_weight, 0.1 * std::exp(-5.0 * std::pow(1.0 - 1.0 / 200, 2)));
  EXPECT_DOUBLE_EQ(r.pseudo_weight, 1.0);
  double expected = term(r, "supervised") + r.consistency_weight * term(r, "consistency") +
                    r.pseudo_weight * term(r, "pseudo");
  if (GetParam() == "dtc") expected += term(r, "dis_dice") + 0.3 * term(r, "sdf");
  EXPECT_NEAR(term(r, "total"), expected, 1e-5 * std::abs(expected));
}

TEST_P(EachBackbone, SameSeedGivesIdenticalLossesAndAnotherSeedDoesNot) {
  Tensor images, labels;
  test::toy_batch(images, labels);
  auto a = ssl::make_backbone(tiny_options(GetParam()));
  auto b = ssl::make_backbone(tiny_options(GetParam()));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(all_terms(a->step(images, labels, i)), all_terms(b->step(images, labels, i)))
        << "iteration " << i;
  ssl::BackboneOptions other = tiny_options(GetParam());
  other.seed = 7;
  EXPECT_NE(term(ssl::make_backbone(other)->step(images, labels, 0), "total"),
            term(ssl::make_backbone(tiny_options(GetParam()))->step(images, labels, 0), "total"));
}

TEST_P(EachBackbone, ResumingFromSavedStateContinuesIdentically) {
  Tensor images, labels;
  test::toy_batch(images, labels);
  const int saved_at = 2, total = 4;
  auto a = ssl::make_backbone(tiny_options(GetParam()));
  for (int i = 0; i < saved_at; ++i) a->step(images, labels, i);

  // Through a checkpoint file, as the round driver resumes.
  test::TempDir dir;
  io::Checkpoint ckpt;
  ckpt.architecture = a->architecture();
  ckpt.tensors[io::kParamsGroup] = a->segmentation_parameters();
  for (auto& [group, tensors] : a->training_state()) ckpt.tensors[group] = tensors;
  ckpt.rng = a->rng_state();
  io::write_checkpoint(dir.file("state.h5"), ckpt);

  std::vector<std::vector<double>> uninterrupted;
  for (int i = saved_at; i < total; ++i)
    uninterrupted.push_back(all_terms(a->step(images, labels, i)));

  // Another seed, so that anything the state does not restore would show.
  ssl::BackboneOptions fresh_options = tiny_options(GetParam());
  fresh_options.seed = 99;
  auto b = ssl::make_backbone(fresh_options);
  io::Checkpoint loaded = io::read_checkpoint(dir.file("state.h5"));
  b->load_segmentation_parameters(loaded.tensors.at(io::kParamsGroup));
  loaded.tensors.erase(io::kParamsGroup);
  b->load_training_state(loaded.tensors);
  b->load_rng_state(loaded.rng);
  b->set_progress(saved_at);
  for (int i = saved_at; i < total; ++i)
    EXPECT_EQ(all_terms(b->step(images, labels, i)), uninterrupted[size_t(i - saved_at)])
        << "iteration " << i;
  io::TensorList pa = a->segmentation_parameters(), pb = b->segmentation_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t k = 0; k < pa.size(); ++k)
    EXPECT_EQ(ops::to_vector<float>(pa[k].tensor), ops::to_vector<float>(pb[k].tensor))
        << pa[k].name;
}

TEST_P(EachBackbone, PredictionIsDeterministicAndLeavesTrainingUntouched) {
  Tensor images, labels;
  test::toy_batch(images, labels);
  auto a = ssl::make_backbone(tiny_options(GetParam()));
  auto b = ssl::make_backbone(tiny_options(GetParam()));
  a->step(images, labels, 0);
  b->step(images, labels, 0);
  const auto streams = a->rng_state();
  Tensor first = a->predict_logits(images), second = a->predict_logits(images);
  EXPECT_EQ(first.shape(), (Shape{2, 2, 16, 16, 16}));
  EXPECT_EQ(ops::to_vector<float>(first), ops::to_vector<float>(second));  // no dropout
  EXPECT_EQ(a->rng_state(), streams);
  // Training mode and the streams are restored: the next step equals that of a twin that never
  // predicted.
  EXPECT_EQ(all_terms(a->step(images, labels, 1)), all_terms(b->step(images, labels, 1)));
}

TEST_P(EachBackbone, LoadingRejectsWrongGroupsStreamsAndShapes) {
  auto b = ssl::make_backbone(tiny_options(GetParam()));
  std::map<std::string, io::TensorList> groups = b->training_state();
  groups["surplus"] = {};
  EXPECT_ERROR_MENTIONS(b->load_training_state(groups), GetParam(), "surplus", "optimizer");

  std::map<std::string, io::RngState> streams = b->rng_state();
  streams["noize"] = io::RngState{1, 2};
  EXPECT_ERROR_MENTIONS(b->load_rng_state(streams), "noize", "dropout");

  io::TensorList params = b->segmentation_parameters();
  params[0].tensor = Tensor::zeros({3}, DType::Float32);
  EXPECT_THROW(b->load_segmentation_parameters(params), Error);
}

INSTANTIATE_TEST_SUITE_P(Backbones, EachBackbone, ::testing::Values("mt", "uamt", "dtc"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(Backbone, UnknownNameListsTheValidOnes) {
  EXPECT_ERROR_MENTIONS(ssl::make_backbone(tiny_options("foo")), "foo", "mt", "uamt", "dan", "dtc");
  EXPECT_EQ(ssl::backbone_names(), (std::vector<std::string>{"mt", "uamt", "dan", "dtc"}));
}

TEST(Backbone, ArchitecturesAndStateGroups) {
  ssl::BackboneOptions o = tiny_options("mt");
  o.network.sdf_head = true;  // make_backbone decides the head from the backbone name
  auto mt = ssl::make_backbone(o);
  EXPECT_EQ(mt->architecture(), "unet_3D");
  o.name = "uamt";
  EXPECT_EQ(ssl::make_backbone(o)->architecture(), "unet_3D");
  o.name = "dtc";
  o.network.sdf_head = false;
  auto dtc = ssl::make_backbone(o);
  EXPECT_EQ(dtc->architecture(), "unet_3D_sdf");
  auto groups_of = [](const ssl::Backbone& b) {
    std::vector<std::string> names;
    for (const auto& entry : b.training_state()) names.push_back(entry.first);
    return names;
  };
  EXPECT_EQ(groups_of(*mt), (std::vector<std::string>{"optimizer", "teacher"}));
  EXPECT_EQ(groups_of(*dtc), (std::vector<std::string>{"optimizer"}));
}

TEST(Backbone, MtIsTheMeanTeacherIteration) {
  Tensor images, labels;
  test::toy_batch(images, labels);
  ssl::BackboneOptions o = tiny_options("mt");
  auto b = ssl::make_backbone(o);
  ssl::MeanTeacherOptions m;
  m.network = o.network;
  m.max_iterations = o.max_iterations;
  m.base_lr = o.base_lr;
  ssl::MeanTeacher direct(m);
  for (int i = 0; i < 2; ++i) {
    ssl::StepReport r = b->step(images, labels, i);
    ssl::MeanTeacherLosses l = direct.step(images, labels, i);
    EXPECT_EQ(term(r, "total"), ops::item(l.total));
    EXPECT_EQ(term(r, "consistency"), ops::item(l.consistency));
    EXPECT_EQ(r.lr, l.lr);
  }
}

TEST(Backbone, UamtTeacherIsAnEmaOfTheStudent) {
  Tensor images, labels;
  test::toy_batch(images, labels);
  auto b = ssl::make_backbone(tiny_options("uamt"));
  b->step(images, labels, 0);  // α = 0: the teacher becomes the student
  io::TensorList student = b->segmentation_parameters();
  io::TensorList teacher = b->training_state().at("teacher");
  ASSERT_EQ(student.size(), teacher.size());
  for (size_t i = 0; i < student.size(); ++i)
    EXPECT_EQ(ops::to_vector<float>(student[i].tensor), ops::to_vector<float>(teacher[i].tensor))
        << student[i].name;
}

TEST(Backbone, SetProgressGivesThePolyRate) {
  auto b = ssl::make_backbone(tiny_options("dtc"));
  Tensor images, labels;
  test::toy_batch(images, labels);
  b->set_progress(10);
  EXPECT_NEAR(b->step(images, labels, 10).lr, 0.1 * std::pow(1.0 - 9.0 / 200, 0.9), 1e-15);
  b->set_progress(0);
  EXPECT_DOUBLE_EQ(b->step(images, labels, 0).lr, 0.1);
}

TEST(Backbone, RejectsABatchWithoutUnlabelledCases) {
  Tensor images = Tensor::zeros({1, 1, 16, 16, 16}, DType::Float32);
  Tensor labels = Tensor::zeros({1, 16, 16, 16}, DType::UInt8);
  for (const char* name : {"uamt", "dtc"})
    EXPECT_ERROR_MENTIONS(ssl::make_backbone(tiny_options(name))->step(images, labels, 0), name,
                          "labeled_bs");
}

}  // namespace
}  // namespace semisam

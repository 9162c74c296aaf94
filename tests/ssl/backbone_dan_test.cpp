// The "dan" backbone on the CPU at the smallest patch its discriminator takes (96³, widths 2; a
// step costs seconds here, so one test runs the three steps a resume check needs): one iteration
// trains both networks, resuming from saved state continues identically, and a patch outside
// 96³–191³ is refused by name.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "common/test_util.h"
#include "io/checkpoint.h"
#include "kernels/copy.h"
#include "ssl/training/backbone.h"

namespace semisam {
namespace {

ssl::BackboneOptions dan_options() {
  ssl::BackboneOptions o;
  o.name = "dan";
  o.network.base_filters = 1;
  o.discriminator_ndf = 1;
  o.max_iterations = 10;
  return o;
}

// Noise with a bright box (label 1) in each of two 96³ cases.
void dan_batch(Tensor& images, Tensor& labels) {
  const int64_t s = 96;
  images = test::random_tensor({2, 1, s, s, s}, DType::Float32, 5);
  labels = Tensor::zeros({2, s, s, s}, DType::UInt8);
  float* im = images.data<float>();
  uint8_t* lab = labels.data<uint8_t>();
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t x = 30 + 4 * n; x < 60; ++x)
      for (int64_t y = 25; y < 70; ++y)
        for (int64_t z = 40; z < 64; ++z) {
          const int64_t i = ((n * s + x) * s + y) * s + z;
          im[i] += 2.0f;
          lab[i] = 1;
        }
}

std::vector<double> all_terms(const ssl::StepReport& r) {
  std::vector<double> out;
  for (const auto& entry : r.terms) out.push_back(ops::item(entry.second));
  out.push_back(r.lr);
  return out;
}

bool same_values(const io::TensorList& a, const io::TensorList& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ops::to_vector<float>(a[i].tensor) != ops::to_vector<float>(b[i].tensor)) return false;
  return true;
}

TEST(DanBackbone, StepTrainsBothNetworksAndResumesIdentically) {
  Tensor images, labels;
  dan_batch(images, labels);
  auto a = ssl::make_backbone(dan_options());
  EXPECT_EQ(a->architecture(), "unet_3D");
  const io::TensorList network_before = a->segmentation_parameters();
  const io::TensorList discriminator_before = a->training_state().at("discriminator");

  ssl::StepReport first = a->step(images, labels, 0);
  std::vector<std::string> names;
  for (const auto& [name, value] : first.terms) {
    names.push_back(name);
    EXPECT_TRUE(std::isfinite(ops::item(value))) << name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"total", "supervised", "consistency", "pseudo",
                                             "discriminator"}));
  std::map<std::string, io::TensorList> state = a->training_state();
  EXPECT_FALSE(same_values(a->segmentation_parameters(), network_before));     // phase 1
  EXPECT_FALSE(same_values(state.at("discriminator"), discriminator_before));  // phase 2
  EXPECT_FALSE(state.at("discriminator_optimizer").empty());
  EXPECT_FALSE(state.at("optimizer").empty());

  test::TempDir dir;
  io::Checkpoint ckpt;
  ckpt.architecture = a->architecture();
  ckpt.tensors = state;
  ckpt.tensors[io::kParamsGroup] = a->segmentation_parameters();
  ckpt.rng = a->rng_state();
  io::write_checkpoint(dir.file("state.h5"), ckpt);
  const std::vector<double> uninterrupted = all_terms(a->step(images, labels, 1));

  ssl::BackboneOptions other = dan_options();
  other.seed = 99;  // anything the saved state does not restore would show
  auto b = ssl::make_backbone(other);
  io::Checkpoint loaded = io::read_checkpoint(dir.file("state.h5"));
  b->load_segmentation_parameters(loaded.tensors.at(io::kParamsGroup));
  loaded.tensors.erase(io::kParamsGroup);
  b->load_training_state(loaded.tensors);
  b->load_rng_state(loaded.rng);
  b->set_progress(1);
  EXPECT_EQ(all_terms(b->step(images, labels, 1)), uninterrupted);
  EXPECT_TRUE(same_values(a->training_state().at("discriminator"),
                          b->training_state().at("discriminator")));
}

TEST(DanBackbone, RefusesAPatchItsDiscriminatorCannotTake) {
  auto b = ssl::make_backbone(dan_options());
  Tensor images = Tensor::zeros({2, 1, 16, 16, 16}, DType::Float32);
  Tensor labels = Tensor::zeros({2, 16, 16, 16}, DType::UInt8);
  EXPECT_ERROR_MENTIONS(b->step(images, labels, 0), "dan", "16×16×16", "96³–191³");
  std::map<std::string, io::TensorList> groups = b->training_state();
  groups.erase("discriminator");
  EXPECT_ERROR_MENTIONS(b->load_training_state(groups), "discriminator", "discriminator_optimizer");
}

}  // namespace
}  // namespace semisam

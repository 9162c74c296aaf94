// The networks' parameter names and shapes equal the reference state dicts, initialisation
// follows SPEC §2.1, and bad inputs are refused with a clear message.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/copy.h"
#include "models/discriminator3d.h"
#include "models/unet3d.h"

namespace semisam {
namespace {

TEST(UNetStructure, StateDictNamesAndShapes) {
  Generator gen(5);
  models::UNet3D net(models::UNet3DOptions{}, gen);
  auto params = net.named_parameters();
  ASSERT_EQ(params.size(), 9u * 4 + 2);  // 9 double-conv blocks × (2 weights + 2 biases) + final
  EXPECT_EQ(params[0].first, "conv1.conv1.0.weight");
  EXPECT_EQ(params[0].second.shape(), (Shape{16, 1, 3, 3, 3}));
  EXPECT_EQ(net.parameter("up_concat4.conv.conv1.0.weight").shape(), (Shape{128, 384, 3, 3, 3}));
  EXPECT_EQ(net.parameter("up_concat1.conv.conv2.0.bias").shape(), (Shape{16}));
  EXPECT_EQ(net.parameter("center.conv2.0.weight").shape(), (Shape{256, 256, 3, 3, 3}));
  EXPECT_EQ(params.back().first, "final.bias");
  int64_t count = 0;
  for (auto& [name, p] : params) count += p.value().numel();
  // Σ over the nine double-conv blocks of (a·b·27 + b) + (b·b·27 + b), plus final 16·2 + 2:
  // the same count PyTorch gives for the fixture script's UNet3D().
  EXPECT_EQ(count, 5884050);
  models::UNet3D sdf(models::unet3d_sdf_options(), gen);
  EXPECT_EQ(sdf.named_parameters().back().first, "final2.bias");
  EXPECT_STREQ(sdf.architecture(), "unet_3D_sdf");
}

TEST(UNetStructure, KaimingNormalWeightsAndUniformBiases) {
  Generator gen(6);
  models::UNet3D net(models::UNet3DOptions{}, gen);
  // center.conv2.0.weight: fan_in 256·27, std √(2/6912).
  std::vector<float> w = ops::to_vector<float>(net.parameter("center.conv2.0.weight").value());
  double s = 0, s2 = 0;
  for (float v : w) {
    s += v;
    s2 += double(v) * v;
  }
  double mean = s / double(w.size()), std = std::sqrt(s2 / double(w.size()) - mean * mean);
  EXPECT_NEAR(mean, 0.0, 2e-4);
  EXPECT_NEAR(std, std::sqrt(2.0 / 6912.0), 2e-4);
  double bound = 1.0 / std::sqrt(6912.0);
  for (float b : ops::to_vector<float>(net.parameter("center.conv2.0.bias").value()))
    EXPECT_LE(std::abs(b), bound);
}

TEST(UNetStructure, SeedsReproduceInitialisation) {
  Generator a(9), b(9);
  models::UNet3DOptions small;
  small.base_filters = 2;
  models::UNet3D n1(small, a), n2(small, b);
  EXPECT_EQ(ops::to_vector<float>(n1.parameter("conv3.conv1.0.weight").value()),
            ops::to_vector<float>(n2.parameter("conv3.conv1.0.weight").value()));
}

TEST(UNetStructure, RejectsSizesThatAreNotMultiplesOf16) {
  Generator gen(7);
  models::UNet3DOptions small;
  small.base_filters = 2;
  models::UNet3D net(small, gen);
  ag::Variable x(Tensor::zeros({1, 1, 16, 24, 16}, DType::Float32));
  try {
    net.forward(x, gen);
    FAIL() << "a 24-voxel axis was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("multiples of 16"), std::string::npos) << e.what();
  }
  EXPECT_THROW(net.forward(ag::Variable(Tensor::zeros({1, 2, 16, 16, 16}, DType::Float32)), gen),
               Error);
}

TEST(UNetStructure, LoadParametersNamesWhatDisagrees) {
  Generator gen(8);
  models::UNet3DOptions small;
  small.base_filters = 2;
  models::UNet3D net(small, gen);
  auto values = net.parameter_values();
  values.erase(values.begin());                                        // one missing
  values.emplace_back("final.gamma", Tensor::zeros({2}, DType::Float32));  // one unexpected
  values[0].second = Tensor::zeros({3}, DType::Float32);              // one of the wrong shape
  try {
    net.load_parameters(values);
    FAIL() << "mismatching parameters were accepted";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("'conv1.conv1.0.weight'"), std::string::npos) << what;
    EXPECT_NE(what.find("'final.gamma'"), std::string::npos) << what;
    EXPECT_NE(what.find("'conv1.conv1.0.bias' expected [2], got [3]"), std::string::npos) << what;
  }
}

TEST(DiscriminatorStructure, StateDictNames) {
  Generator gen(5);
  models::Discriminator3D disc(models::Discriminator3DOptions{}, gen);
  std::vector<std::string> names;
  for (auto& [name, p] : disc.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"conv0.weight", "conv0.bias", "conv1.weight",
                                             "conv1.bias", "conv2.weight", "conv2.bias",
                                             "conv3.weight", "conv3.bias", "conv4.weight",
                                             "conv4.bias", "classifier.weight",
                                             "classifier.bias"}));
  EXPECT_EQ(disc.parameter("conv4.weight").shape(), (Shape{512, 256, 4, 4, 4}));
  EXPECT_EQ(disc.parameter("classifier.weight").shape(), (Shape{2, 512}));
}

}  // namespace
}  // namespace semisam

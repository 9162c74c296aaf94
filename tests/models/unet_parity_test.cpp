// unet_3D and unet_3D_sdf against PyTorch (fixtures from tests/fixtures/make_network_fixtures.py,
// float64 reference with float32-exact weights and inputs): outputs, loss, every parameter
// gradient, and three SGD steps. Runs on the CPU in float64; a float32 run checks the everyday
// precision with a looser tolerance.
#include "autograd/ops.h"
#include "layers/loss.h"
#include "layers/optim.h"
#include "models/unet3d.h"
#include "network_fixture.h"

namespace semisam {
namespace {

using models::UNet3D;
using models::UNet3DOptions;

struct Loaded {
  std::unique_ptr<UNet3D> net;
  ag::Variable input;
  Tensor label;
};

Loaded load_unet(const io::h5::File& file, bool sdf, DType dtype) {
  auto params = test::read_group(file, "params");
  UNet3DOptions options;
  options.base_filters = test::find(params, "conv1.conv1.0.weight").size(0);  // conv1.conv1.0.weight [base, 1, 3, 3, 3]
  options.dropout = 0.0;
  options.sdf_head = sdf;
  Generator gen(1);
  Loaded out;
  out.net = std::make_unique<UNet3D>(options, gen);
  out.net->cast(dtype);
  out.net->load_parameters(params);
  out.input = ag::Variable(ops::cast(file.root().open_dataset("input").read(), dtype));
  out.label = file.root().open_dataset("label").read(DType::UInt8);
  return out;
}

ag::Variable supervised_loss(const ag::Variable& logits, const Tensor& label) {
  return ag::mul(ag::add(layers::cross_entropy(logits, label), layers::dice_loss(logits, label)),
                 0.5);
}

TEST(UNetParity, ForwardLossAndGradientsMatchPyTorch) {
  io::h5::File file = io::h5::File::open(test::network_fixture("unet3d.h5"));
  Loaded m = load_unet(file, false, DType::Float64);
  Generator dropout_gen(2);
  ag::Variable seg = m.net->forward(m.input, dropout_gen).seg;
  EXPECT_LT(test::relative_error(seg.value(), test::read_f64(file, "outputs/seg")), 1e-6);
  ag::Variable loss = supervised_loss(seg, m.label);
  EXPECT_NEAR(ops::item(loss.value()), ops::item(test::read_f64(file, "loss")), 1e-6);
  loss.backward();
  test::expect_gradients_match(*m.net, file, 1e-5, 1e-7);
}

TEST(UNetParity, ThreeSgdStepsMatchPyTorch) {
  io::h5::File file = io::h5::File::open(test::network_fixture("unet3d.h5"));
  Loaded m = load_unet(file, false, DType::Float64);
  layers::SgdOptions sgd;
  sgd.momentum = 0.9;
  sgd.weight_decay = 1e-4;
  layers::SGD optimizer(m.net->named_parameters(), 0.01, sgd);
  std::vector<double> expected = ops::to_vector<double>(test::read_f64(file, "sgd_losses"));
  Generator dropout_gen(3);
  for (size_t step = 0; step < expected.size(); ++step) {
    optimizer.zero_grad();
    ag::Variable loss = supervised_loss(m.net->forward(m.input, dropout_gen).seg, m.label);
    loss.backward();
    optimizer.step();
    EXPECT_NEAR(ops::item(loss.value()), expected[step], 2e-6) << "step " << step;
  }
}

TEST(UNetParity, Float32RunStaysCloseToTheReference) {
  io::h5::File file = io::h5::File::open(test::network_fixture("unet3d.h5"));
  Loaded m = load_unet(file, false, DType::Float32);
  Generator dropout_gen(2);
  ag::Variable seg = m.net->forward(m.input, dropout_gen).seg;
  EXPECT_LT(test::relative_error(seg.value(), test::read_f64(file, "outputs/seg")), 1e-4);
  supervised_loss(seg, m.label).backward();
  test::expect_gradients_match(*m.net, file, 1e-3, 1e-5);
}

TEST(UNetParity, SdfNetworkMatchesPyTorch) {
  io::h5::File file = io::h5::File::open(test::network_fixture("unet3d_sdf.h5"));
  Loaded m = load_unet(file, true, DType::Float64);
  Generator dropout_gen(2);
  models::UNet3DOutput out = m.net->forward(m.input, dropout_gen);
  EXPECT_LT(test::relative_error(out.seg.value(), test::read_f64(file, "outputs/seg")), 1e-6);
  EXPECT_LT(test::relative_error(out.sdf.value(), test::read_f64(file, "outputs/sdf")), 1e-6);
  ag::Variable target(test::read_f64(file, "sdf_target"));
  ag::Variable loss = ag::add(supervised_loss(out.seg, m.label), layers::mse_loss(out.sdf, target));
  EXPECT_NEAR(ops::item(loss.value()), ops::item(test::read_f64(file, "loss")), 1e-6);
  loss.backward();
  test::expect_gradients_match(*m.net, file, 1e-5, 1e-7);
}

}  // namespace
}  // namespace semisam

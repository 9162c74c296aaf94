// FC3DDiscriminator against PyTorch: logits, CE loss and every parameter gradient at 96³
// (ndf 8 keeps the CPU run short), inputs rebuilt from the fixture script's formula.
#include <cmath>

#include "autograd/ops.h"
#include "layers/loss.h"
#include "layers/softmax.h"
#include "models/discriminator3d.h"
#include "network_fixture.h"

namespace semisam {
namespace {

// formula_volume of make_network_fixtures.py: v[i] = sin(0.7·i + phase) + 0.5·cos(1.3·(i² mod 97)),
// rounded to float32.
Tensor formula_volume(const Shape& shape, double phase) {
  Tensor t = Tensor::empty(shape, DType::Float64);
  double* p = t.data<double>();
  for (int64_t i = 0; i < t.numel(); ++i) {
    double di = double(i);
    double v = std::sin(0.7 * di + phase) + 0.5 * std::cos(1.3 * std::fmod(di * di, 97.0));
    p[i] = double(float(v));
  }
  return t;
}

TEST(DiscriminatorParity, LogitsLossAndGradientsMatchPyTorch) {
  io::h5::File file = io::h5::File::open(test::network_fixture("discriminator.h5"));
  auto params = test::read_group(file, "params");
  models::Discriminator3DOptions options;
  options.ndf = test::find(params, "conv0.weight").size(0);  // conv0.weight [ndf, classes, 4, 4, 4]
  options.dropout = 0.0;
  Generator gen(1);
  models::Discriminator3D disc(options, gen);
  disc.cast(DType::Float64);
  disc.load_parameters(params);

  ag::Variable prob = layers::softmax(ag::Variable(formula_volume({2, 2, 96, 96, 96}, 0.0)), 1);
  ag::Variable image(formula_volume({2, 1, 96, 96, 96}, 1.0));
  Generator dropout_gen(2);
  ag::Variable logits = disc.forward(prob, image, dropout_gen);
  EXPECT_LT(test::relative_error(logits.value(), test::read_f64(file, "outputs/logits")), 1e-6);

  Tensor target = file.root().open_dataset("target").read(DType::Int64);
  ag::Variable loss = layers::cross_entropy(logits, target);
  EXPECT_NEAR(ops::item(loss.value()), ops::item(test::read_f64(file, "loss")), 1e-6);
  loss.backward();
  test::expect_gradients_match(disc, file, 1e-5, 1e-7);
}

TEST(DiscriminatorParity, RejectsInputsThatDoNotPoolToOneVoxel) {
  models::Discriminator3DOptions options;
  options.ndf = 2;
  Generator gen(1);
  models::Discriminator3D disc(options, gen);
  Generator dropout_gen(2);
  ag::Variable prob(Tensor::zeros({1, 2, 32, 32, 32}, DType::Float32));
  ag::Variable image(Tensor::zeros({1, 1, 32, 32, 32}, DType::Float32));
  EXPECT_THROW(disc.forward(prob, image, dropout_gen), Error);
}

}  // namespace
}  // namespace semisam

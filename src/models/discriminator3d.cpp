// Construction and forward pass of the DAN discriminator.
#include "models/discriminator3d.h"

#include "autograd/ops.h"
#include "layers/activation.h"
#include "layers/dropout.h"
#include "layers/pool3d.h"

namespace semisam::models {
namespace {
std::shared_ptr<layers::Conv3d> down_conv(int64_t in, int64_t out, Generator& gen) {
  return std::make_shared<layers::Conv3d>(layers::conv3d_options(in, out, 4, 2, 1), gen);
}
}  // namespace

Discriminator3D::Discriminator3D(const Discriminator3DOptions& options, Generator& gen)
    : options_(options) {
  const int64_t n = options.ndf;
  SEMISAM_CHECK(n > 0 && options.num_classes > 0, "Discriminator3D: ndf and classes must be > 0");
  conv0_ = register_module("conv0", down_conv(options.num_classes, n, gen));
  conv1_ = register_module("conv1", down_conv(1, n, gen));
  conv2_ = register_module("conv2", down_conv(n, 2 * n, gen));
  conv3_ = register_module("conv3", down_conv(2 * n, 4 * n, gen));
  conv4_ = register_module("conv4", down_conv(4 * n, 8 * n, gen));
  classifier_ = register_module("classifier", std::make_shared<layers::Linear>(8 * n, 2, gen));
}

ag::Variable Discriminator3D::forward(const ag::Variable& prob, const ag::Variable& image,
                                      Generator& dropout_gen) const {
  SEMISAM_CHECK(prob.dim() == 5 && prob.size(1) == options_.num_classes, architecture(),
                ": probabilities must be [N, ", options_.num_classes, ", X, Y, Z], got ",
                prob.value().str());
  SEMISAM_CHECK(image.dim() == 5 && image.size(1) == 1 && image.size(0) == prob.size(0) &&
                    image.size(2) == prob.size(2) && image.size(3) == prob.size(3) &&
                    image.size(4) == prob.size(4),
                architecture(), ": image ", image.value().str(), " does not match probabilities ",
                prob.value().str());
  const bool train = training();
  const double p = options_.dropout;
  ag::Variable x = layers::leaky_relu(ag::add(conv0_->forward(prob), conv1_->forward(image)), 0.2);
  x = layers::channel_dropout(x, p, train, dropout_gen);
  x = layers::channel_dropout(layers::leaky_relu(conv2_->forward(x), 0.2), p, train, dropout_gen);
  x = layers::channel_dropout(layers::leaky_relu(conv3_->forward(x), 0.2), p, train, dropout_gen);
  x = layers::leaky_relu(conv4_->forward(x), 0.2);
  SEMISAM_CHECK(x.size(2) >= 6 && x.size(3) >= 6 && x.size(4) >= 6, architecture(),
                ": input ", shape_str(prob.shape()), " is too small: its last feature map ",
                shape_str(x.shape()), " is below the 6³ average pool (inputs of at least 96³)");
  x = layers::avg_pool3d(x, ops::pool3d_cube(6));
  const int64_t features = x.size(1) * x.size(2) * x.size(3) * x.size(4);
  SEMISAM_CHECK(features == 8 * options_.ndf, architecture(), ": input ", shape_str(prob.shape()),
                " pools to ", shape_str(x.shape()), " but the classifier takes ",
                8 * options_.ndf, " features (inputs of 96³ to 191³ pool to 1³)");
  return classifier_->forward(ag::reshape(x, {x.size(0), features}));
}

}  // namespace semisam::models

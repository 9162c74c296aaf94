// Construction and forward pass of unet_3D / unet_3D_sdf.
#include "models/unet3d.h"

#include "autograd/ops.h"
#include "layers/activation.h"
#include "layers/dropout.h"
#include "layers/init.h"
#include "layers/norm.h"
#include "layers/pool3d.h"
#include "layers/upsample.h"

namespace semisam::models {
namespace {

std::shared_ptr<layers::Conv3d> kaiming_conv(int64_t in, int64_t out, int64_t kernel,
                                             int64_t padding, Generator& gen) {
  auto conv =
      std::make_shared<layers::Conv3d>(layers::conv3d_options(in, out, kernel, 1, padding), gen);
  // The reference re-initialises every Conv3d weight with kaiming_normal_ after construction;
  // biases keep PyTorch's default.
  layers::init::kaiming_normal_(conv->weight().value(), gen);
  return conv;
}

}  // namespace

ConvNormRelu::ConvNormRelu(int64_t in_channels, int64_t out_channels, Generator& gen) {
  conv_ = register_module("0", kaiming_conv(in_channels, out_channels, 3, 1, gen));
}

ag::Variable ConvNormRelu::forward(const ag::Variable& x) const {
  return layers::instance_norm_relu(conv_->forward(x));
}

UNetConv3::UNetConv3(int64_t in_channels, int64_t out_channels, Generator& gen) {
  conv1_ = register_module("conv1", std::make_shared<ConvNormRelu>(in_channels, out_channels, gen));
  conv2_ = register_module("conv2", std::make_shared<ConvNormRelu>(out_channels, out_channels, gen));
}

ag::Variable UNetConv3::forward(const ag::Variable& x) const {
  return conv2_->forward(conv1_->forward(x));
}

UNetUp3::UNetUp3(int64_t in_channels, int64_t out_channels, Generator& gen) {
  conv_ = register_module("conv", std::make_shared<UNetConv3>(in_channels, out_channels, gen));
}

ag::Variable UNetUp3::forward(const ag::Variable& skip, const ag::Variable& low) const {
  return conv_->forward(ag::concat({skip, layers::upsample_trilinear2x(low)}, 1));
}

UNet3D::UNet3D(const UNet3DOptions& options, Generator& gen) : options_(options) {
  SEMISAM_CHECK(options.in_channels > 0 && options.num_classes > 0 && options.base_filters > 0,
                "UNet3D: channels, classes and base filters must be positive");
  SEMISAM_CHECK(options.dropout >= 0 && options.dropout < 1, "UNet3D: dropout ", options.dropout,
                " outside [0, 1)");
  const int64_t f0 = options.base_filters, f1 = 2 * f0, f2 = 4 * f0, f3 = 8 * f0, f4 = 16 * f0;
  // Registration order = the reference's state-dict order.
  conv1_ = register_module("conv1", std::make_shared<UNetConv3>(options.in_channels, f0, gen));
  conv2_ = register_module("conv2", std::make_shared<UNetConv3>(f0, f1, gen));
  conv3_ = register_module("conv3", std::make_shared<UNetConv3>(f1, f2, gen));
  conv4_ = register_module("conv4", std::make_shared<UNetConv3>(f2, f3, gen));
  center_ = register_module("center", std::make_shared<UNetConv3>(f3, f4, gen));
  up4_ = register_module("up_concat4", std::make_shared<UNetUp3>(f4 + f3, f3, gen));
  up3_ = register_module("up_concat3", std::make_shared<UNetUp3>(f3 + f2, f2, gen));
  up2_ = register_module("up_concat2", std::make_shared<UNetUp3>(f2 + f1, f1, gen));
  up1_ = register_module("up_concat1", std::make_shared<UNetUp3>(f1 + f0, f0, gen));
  final_ = register_module("final", kaiming_conv(f0, options.num_classes, 1, 0, gen));
  if (options.sdf_head)
    final2_ = register_module("final2", kaiming_conv(f0, options.num_classes, 1, 0, gen));
}

UNet3DOutput UNet3D::forward(const ag::Variable& x, Generator& dropout_gen) const {
  SEMISAM_CHECK(x.dim() == 5 && x.size(1) == options_.in_channels, architecture(),
                ": input must be [N, ", options_.in_channels, ", X, Y, Z], got ", x.value().str());
  for (int64_t axis = 2; axis < 5; ++axis)
    SEMISAM_CHECK(x.size(axis) % 16 == 0 && x.size(axis) > 0, architecture(),
                  ": spatial sizes must be multiples of 16 (four 2× poolings), got ",
                  shape_str(x.shape()));
  const bool train = training();
  ag::Variable c1 = conv1_->forward(x);
  ag::Variable c2 = conv2_->forward(layers::max_pool3d(c1));
  ag::Variable c3 = conv3_->forward(layers::max_pool3d(c2));
  ag::Variable c4 = conv4_->forward(layers::max_pool3d(c3));
  ag::Variable center = center_->forward(layers::max_pool3d(c4));
  center = layers::dropout(center, options_.dropout, train, dropout_gen);
  ag::Variable u4 = up4_->forward(c4, center);
  ag::Variable u3 = up3_->forward(c3, u4);
  ag::Variable u2 = up2_->forward(c2, u3);
  ag::Variable u1 = up1_->forward(c1, u2);
  u1 = layers::dropout(u1, options_.dropout, train, dropout_gen);
  UNet3DOutput out;
  out.seg = final_->forward(u1);
  if (final2_) out.sdf = layers::tanh(final2_->forward(u1));
  return out;
}

}  // namespace semisam::models

// The segmentation networks of SPEC §2.1–2.2: unet_3D (MT, UA-MT, DAN) and unet_3D_sdf (DTC),
// with the reference's module tree so parameter names equal PyTorch's state-dict keys
// (conv1.conv1.0.weight, up_concat4.conv.conv2.0.bias, final.weight, final2.bias, …).
#pragma once

#include <memory>

#include "autograd/variable.h"
#include "layers/conv3d_module.h"
#include "layers/module.h"
#include "tensor/generator.h"

namespace semisam::models {

struct UNet3DOptions {
  int64_t in_channels = 1;
  int64_t num_classes = 2;
  // Filters of the five levels are base·{1, 2, 4, 8, 16}; the reference uses 16.
  int64_t base_filters = 16;
  double dropout = 0.3;
  bool sdf_head = false;  // unet_3D_sdf: a second 1×1×1 head followed by tanh
};

// Conv3d 3×3×3 (padding 1, bias) → InstanceNorm3d → ReLU: PyTorch's Sequential, so the
// convolution is child "0".
class ConvNormRelu : public layers::Module {
 public:
  ConvNormRelu(int64_t in_channels, int64_t out_channels, Generator& gen);
  ag::Variable forward(const ag::Variable& x) const;

 private:
  std::shared_ptr<layers::Conv3d> conv_;
};

// unetConv3: conv1 then conv2.
class UNetConv3 : public layers::Module {
 public:
  UNetConv3(int64_t in_channels, int64_t out_channels, Generator& gen);
  ag::Variable forward(const ag::Variable& x) const;

 private:
  std::shared_ptr<ConvNormRelu> conv1_, conv2_;
};

// unetUp3_CT: trilinear ×2 of the low-resolution input, concatenated after the skip, then conv.
class UNetUp3 : public layers::Module {
 public:
  UNetUp3(int64_t in_channels, int64_t out_channels, Generator& gen);
  ag::Variable forward(const ag::Variable& skip, const ag::Variable& low) const;

 private:
  std::shared_ptr<UNetConv3> conv_;
};

struct UNet3DOutput {
  ag::Variable seg;  // logits [N, num_classes, X, Y, Z]
  ag::Variable sdf;  // tanh(final2(u1)), only with the SDF head
};

class UNet3D : public layers::Module {
 public:
  // Parameters on the CPU in float32: Kaiming-normal (fan_in) convolution weights, PyTorch's
  // default uniform biases, all drawn from `init_gen`.
  UNet3D(const UNet3DOptions& options, Generator& init_gen);

  // x [N, in_channels, X, Y, Z] with X, Y, Z multiples of 16. Dropout (training mode only) draws
  // its masks from `dropout_gen`.
  UNet3DOutput forward(const ag::Variable& x, Generator& dropout_gen) const;

  const UNet3DOptions& options() const { return options_; }
  // "unet_3D" or "unet_3D_sdf": the architecture name checkpoints record.
  const char* architecture() const { return options_.sdf_head ? "unet_3D_sdf" : "unet_3D"; }

 private:
  UNet3DOptions options_;
  std::shared_ptr<UNetConv3> conv1_, conv2_, conv3_, conv4_, center_;
  std::shared_ptr<UNetUp3> up4_, up3_, up2_, up1_;
  std::shared_ptr<layers::Conv3d> final_, final2_;
};

// unet_3D_sdf (DTC) is the same network with the SDF head.
inline UNet3DOptions unet3d_sdf_options(UNet3DOptions options = {}) {
  options.sdf_head = true;
  return options;
}

}  // namespace semisam::models

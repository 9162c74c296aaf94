// FC3DDiscriminator of SPEC §2.3 (DAN): judges whether a softmax map and its image come from a
// labelled case. Parameter names follow the reference: conv0..conv4, classifier.
#pragma once

#include <memory>

#include "layers/conv3d_module.h"
#include "layers/linear.h"
#include "layers/module.h"

namespace semisam::models {

struct Discriminator3DOptions {
  int64_t num_classes = 2;
  int64_t ndf = 64;  // width of the first layer; the reference uses 64
  double dropout = 0.5;  // Dropout3d: whole channels
};

class Discriminator3D : public layers::Module {
 public:
  // PyTorch's default initialisation for every layer, drawn from `init_gen`, float32 on the CPU.
  Discriminator3D(const Discriminator3DOptions& options, Generator& init_gen);

  // prob [N, num_classes, X, Y, Z] (a softmax map), image [N, 1, X, Y, Z] → logits [N, 2].
  // The final feature map must pool to 1³ under the 6³ average pool (e.g. 96³–191³ inputs, 128³
  // in the reference).
  ag::Variable forward(const ag::Variable& prob, const ag::Variable& image,
                       Generator& dropout_gen) const;

  const Discriminator3DOptions& options() const { return options_; }
  const char* architecture() const { return "FC3DDiscriminator"; }

 private:
  Discriminator3DOptions options_;
  std::shared_ptr<layers::Conv3d> conv0_, conv1_, conv2_, conv3_, conv4_;
  std::shared_ptr<layers::Linear> classifier_;
};

}  // namespace semisam::models

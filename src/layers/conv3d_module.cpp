// Conv3d module: parameter registration, default initialisation, forward.
#include "layers/conv3d_module.h"

#include "layers/conv3d.h"
#include "layers/init.h"

namespace semisam::layers {

Conv3d::Conv3d(const Conv3dOptions& options, Generator& gen) : options_(options) {
  SEMISAM_CHECK(options.in_channels > 0 && options.out_channels > 0,
                "Conv3d: channel counts must be positive, got ", options.in_channels, " -> ",
                options.out_channels);
  Tensor w = Tensor::empty({options.out_channels, options.in_channels, options.kernel[0],
                            options.kernel[1], options.kernel[2]},
                           DType::Float32);
  Tensor b = options.bias ? Tensor::empty({options.out_channels}, DType::Float32) : Tensor();
  init::default_weight_and_bias_(w, b, gen);
  weight_ = register_parameter("weight", w);
  if (options.bias) bias_ = register_parameter("bias", b);
}

ag::Variable Conv3d::forward(const ag::Variable& x) const {
  return conv3d(x, weight_, bias_, params());
}

}  // namespace semisam::layers

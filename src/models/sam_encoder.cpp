// Construction and forward pass of the SAM-Med3D image encoder.
#include "models/sam_encoder.h"

#include <algorithm>

#include "autograd/ops.h"

namespace semisam::models {

SamPatchEmbed::SamPatchEmbed(int64_t in_channels, int64_t dim, int64_t patch, Generator& gen) {
  proj_ = register_module("proj", std::make_shared<layers::Conv3d>(
                                      layers::conv3d_options(in_channels, dim, patch, patch), gen));
}

ag::Variable SamPatchEmbed::forward(const ag::Variable& x) const {
  return ag::permute(proj_->forward(x), {0, 2, 3, 4, 1});
}

SamNeck::SamNeck(int64_t dim, int64_t out, Generator& gen) {
  conv0_ = register_module(
      "0", std::make_shared<layers::Conv3d>(layers::conv3d_options(dim, out, 1, 1, 0, false), gen));
  norm1_ = register_module("1", std::make_shared<layers::LayerNorm>(out, 1, 1e-6));
  conv2_ = register_module(
      "2", std::make_shared<layers::Conv3d>(layers::conv3d_options(out, out, 3, 1, 1, false), gen));
  norm3_ = register_module("3", std::make_shared<layers::LayerNorm>(out, 1, 1e-6));
}

ag::Variable SamNeck::forward(const ag::Variable& x) const {
  return norm3_->forward(conv2_->forward(norm1_->forward(conv0_->forward(x))));
}

SamImageEncoder::SamImageEncoder(const SamEncoderOptions& o, Generator& gen) : options_(o) {
  SEMISAM_CHECK(o.img_size > 0 && o.patch_size > 0 && o.img_size % o.patch_size == 0,
                "SamImageEncoder: image size ", o.img_size, " is not a multiple of patch size ",
                o.patch_size);
  SEMISAM_CHECK(o.in_channels > 0 && o.embed_dim > 0 && o.depth > 0 && o.out_channels > 0 &&
                    o.mlp_ratio > 0 && o.window_size >= 0,
                "SamImageEncoder: sizes must be positive (dim ", o.embed_dim, ", depth ", o.depth,
                ", out ", o.out_channels, ", window ", o.window_size, ")");
  for (int64_t b : o.global_blocks)
    SEMISAM_CHECK(b >= 0 && b < o.depth, "SamImageEncoder: global block ", b, " outside depth ",
                  o.depth);
  const int64_t g = o.grid();
  // Registration order = the checkpoint's key order.
  patch_embed_ = register_module(
      "patch_embed", std::make_shared<SamPatchEmbed>(o.in_channels, o.embed_dim, o.patch_size, gen));
  pos_embed_ = register_parameter("pos_embed", Tensor::zeros({1, g, g, g, o.embed_dim}, DType::Float32));
  for (int64_t i = 0; i < o.depth; ++i) {
    bool global = std::find(o.global_blocks.begin(), o.global_blocks.end(), i) != o.global_blocks.end();
    blocks_.push_back(register_module(
        "blocks." + std::to_string(i),
        std::make_shared<SamBlock>(o.embed_dim, o.num_heads, o.mlp_ratio,
                                   global ? 0 : o.window_size, g, gen)));
  }
  neck_ = register_module("neck", std::make_shared<SamNeck>(o.embed_dim, o.out_channels, gen));
}

Tensor SamImageEncoder::forward(const Tensor& x) const {
  const SamEncoderOptions& o = options_;
  SEMISAM_CHECK(x.dim() == 5 && x.size(1) == o.in_channels && x.size(2) == o.img_size &&
                    x.size(3) == o.img_size && x.size(4) == o.img_size,
                "SamImageEncoder: input must be [B, ", o.in_channels, ", ", o.img_size, ", ",
                o.img_size, ", ", o.img_size, "], got ", x.str());
  ag::NoGradGuard no_grad;
  ag::Variable t = ag::add(patch_embed_->forward(ag::Variable(x)), pos_embed_);
  for (const auto& block : blocks_) t = block->forward(t);
  return neck_->forward(ag::permute(t, {0, 4, 1, 2, 3})).value();
}

}  // namespace semisam::models

// The SAM-Med3D image encoder (SPEC §2.4): patch embedding, position embedding, transformer
// blocks with window or global attention, and the convolutional neck. Generic in its
// hyper-parameters; `vit_b_ori` (sam_med3d_turbo.pth) is the default. Parameter names are the
// checkpoint keys without the "image_encoder." prefix (ssl/features.h loads a .pth, since
// models come before io in the layer order). Inference only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "autograd/variable.h"
#include "layers/conv3d_module.h"
#include "layers/module.h"
#include "layers/norm.h"
#include "models/sam_attention.h"
#include "tensor/generator.h"

namespace semisam::models {

struct SamEncoderOptions {
  int64_t img_size = 128;
  int64_t patch_size = 16;
  int64_t in_channels = 1;
  int64_t embed_dim = 768;
  int64_t depth = 12;
  int64_t num_heads = 12;
  int64_t mlp_ratio = 4;
  int64_t window_size = 14;
  std::vector<int64_t> global_blocks{2, 5, 8, 11};
  int64_t out_channels = 384;

  int64_t grid() const { return img_size / patch_size; }  // tokens per axis
};

// vit_b_ori: 128³ → 384×8³ (the defaults above).
inline SamEncoderOptions sam_vit_b_ori() { return SamEncoderOptions{}; }
// The CPU test configuration of tests/fixtures/make_sam_fixtures.py: 32³ input, 4³ tokens of
// width 32, three blocks (block 1 global), window 6 (the 4³ grid is padded to 6³), neck 16.
inline SamEncoderOptions sam_tiny_options() {
  SamEncoderOptions o;
  o.img_size = 32;
  o.patch_size = 8;
  o.embed_dim = 32;
  o.depth = 3;
  o.num_heads = 2;
  o.window_size = 6;
  o.global_blocks = {1};
  o.out_channels = 16;
  return o;
}

// PatchEmbed3D: child "proj", Conv3d(in → dim, kernel = stride = patch, bias).
class SamPatchEmbed : public layers::Module {
 public:
  SamPatchEmbed(int64_t in_channels, int64_t dim, int64_t patch, Generator& gen);
  // [B, in, S, S, S] -> channels-last tokens [B, g, g, g, dim].
  ag::Variable forward(const ag::Variable& x) const;

 private:
  std::shared_ptr<layers::Conv3d> proj_;
};

// The neck: "0" Conv3d(dim → out, k1, no bias), "1" LayerNorm over channels, "2" Conv3d(out → out,
// k3, p1, no bias), "3" LayerNorm over channels.
class SamNeck : public layers::Module {
 public:
  SamNeck(int64_t dim, int64_t out, Generator& gen);
  ag::Variable forward(const ag::Variable& x) const;  // [B, dim, g, g, g] -> [B, out, g, g, g]

 private:
  std::shared_ptr<layers::Conv3d> conv0_, conv2_;
  std::shared_ptr<layers::LayerNorm> norm1_, norm3_;
};

class SamImageEncoder : public layers::Module {
 public:
  // float32 parameters on the CPU drawn from `gen` with PyTorch's default Linear / Conv3d
  // initialisation; pos_embed and the relative-position tables start at zero as in the reference.
  SamImageEncoder(const SamEncoderOptions& options, Generator& gen);

  // x [B, in_channels, img, img, img] -> [B, out_channels, g, g, g]. Runs without recording
  // gradients; matrix products and convolutions follow the current math mode (tf32 / bf16).
  Tensor forward(const Tensor& x) const;

  const SamEncoderOptions& options() const { return options_; }

 private:
  SamEncoderOptions options_;
  std::shared_ptr<SamPatchEmbed> patch_embed_;
  ag::Variable pos_embed_;
  std::vector<std::shared_ptr<SamBlock>> blocks_;
  std::shared_ptr<SamNeck> neck_;
};

}  // namespace semisam::models

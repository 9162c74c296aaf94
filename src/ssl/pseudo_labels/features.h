// Round-0 feature extraction of SPEC §3 step 1: the centre crop fed to the SAM-Med3D encoder, the
// spatial and global features, loading the encoder from a SAM-Med3D .pth, and the HDF5 feature
// cache that `semisam extract` writes (one group per case).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/sam_encoder.h"
#include "tensor/tensor.h"

namespace semisam::ssl {

// Per axis: pad `pad_before`/`pad_after` zeros (only on axes shorter than the crop), then take
// `size` voxels from `start` of the padded axis.
struct CentreCrop {
  int64_t size = 128;
  std::array<int64_t, 3> pad_before{}, pad_after{}, start{};
};

// SPEC §3 step 1: p = size − n on axes with n < size, split p//2 before and p − p//2 after; the
// crop starts at (padded − size)//2.
CentreCrop centre_crop(const Shape& volume_shape, int64_t size = 128);
// The [size, size, size] crop of a 3-D volume of any dtype (same device and dtype).
Tensor pad_and_crop(const Tensor& volume, const CentreCrop& crop);

// normalize(mean of F over its spatial axes): F [C, g, g, g] -> [C], as F.normalize (eps 1e-12).
Tensor global_feature(const Tensor& spatial);

// Loads the encoder weights of a SAM-Med3D checkpoint: the tensors under `model_state_dict`
// whose names start with "image_encoder." (prompt encoder and mask decoder keys are ignored). A
// missing, unexpected or misshapen encoder key is an error that names it and the file.
// `path` may also be an encoder converted to our HDF5 checkpoint format (save_sam_encoder, as
// `semisam convert` writes it); its recorded hyper-parameters must match the encoder's.
void load_sam_checkpoint(models::SamImageEncoder& encoder, const std::string& path);

// The architecture name and hyper-parameters our checkpoints record for the encoder.
constexpr const char* kSamEncoderArchitecture = "sam_med3d_image_encoder";
std::map<std::string, std::string> sam_hyper_parameters(const models::SamEncoderOptions& options);
// Writes the encoder's weights as our HDF5 checkpoint (atomically); `source` says where they came
// from (recorded in the checkpoint's info).
void save_sam_encoder(const models::SamImageEncoder& encoder, const std::string& path,
                      const std::string& source);

struct CaseFeatures {
  std::string name;
  Tensor spatial;  // float32 [out_channels, g, g, g], CPU
  Tensor global;   // float32 [out_channels], CPU, unit norm
};

// Crops `image` ([X, Y, Z], float32, CPU) to the encoder's input size, runs the encoder on
// `device` and returns the features on the CPU.
CaseFeatures extract_features(const models::SamImageEncoder& encoder, const std::string& name,
                              const Tensor& image, Device device);

// Describes where features came from; stored as attributes and checked when the cache is reused.
struct FeatureSource {
  std::string encoder;     // "vit_b_ori" or the configuration's name
  std::string checkpoint;  // .pth path, or "random(seed=N)" for demo weights
  int64_t crop_size = 128;
};

// Writes every case as group `<name>` with datasets `spatial` and `global`, atomically.
void write_feature_cache(const std::string& path, const FeatureSource& source,
                         const std::vector<CaseFeatures>& cases);
// Reads a cache back; throws when it was made from another source or lacks a requested case.
std::vector<CaseFeatures> read_feature_cache(const std::string& path, const FeatureSource& source,
                                             const std::vector<std::string>& names);

}  // namespace semisam::ssl

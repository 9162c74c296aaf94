// What `semisam predict` reads: a single image file, a folder of images, or a text list of image
// paths; NIfTI (.nii, .nii.gz) or HDF5 (.h5, .hdf5, its `image` dataset). Case names follow
// nnU-Net: <case>.nii.gz and <case>_0000.nii.gz are both case <case>.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace semisam::ssl {

struct PredictionInput {
  std::string name;  // <case>
  std::string path;
};

// A file (one case), a folder (every NIfTI and HDF5 file in it, not recursive) or a .txt list
// (one path per line, relative paths taken from the list's folder; blank lines and # comments
// ignored). Sorted by case name. Fails naming the input when it is missing or holds no image, for
// two files of one case, and for a second channel (<case>_0001), which semisam does not use.
std::vector<PredictionInput> find_prediction_inputs(const std::string& input);

struct Shard {
  int64_t index = 0, count = 1;  // this job takes the cases k with k mod count == index
};
// "i/n" with 0 <= i < n.
Shard parse_shard(const std::string& text);
std::vector<PredictionInput> select_shard(const std::vector<PredictionInput>& inputs, Shard shard);

}  // namespace semisam::ssl

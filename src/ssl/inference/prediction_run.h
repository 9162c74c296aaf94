// `semisam predict`: label maps for new, unlabelled scans. Each case's image goes through the
// same sliding window as `test` (so both give the same labels voxel for voxel) and comes out as
// OUTPUT/<case>.nii.gz, a uint8 label map with the geometry of its scan, optionally beside
// <case>_probabilities.nii.gz (float32 [X, Y, Z, C] softmax averages) and
// <case>_uncertainty.nii.gz (float32 voxel entropy, SPEC §6 step 1's quantity).
//
// Built for cohorts on clusters: `shard` i/n takes every n-th case from i, a case whose label map
// exists is skipped unless `overwrite`, every file appears atomically (the label map last, so its
// presence means the case is complete), and a bad case is reported by name and skipped while the
// run goes on.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "ssl/run/run_log.h"

namespace semisam::ssl {

struct PredictionConfig {
  std::string ckpt;    // semisam HDF5 checkpoint or reference .pth state dict
  std::string input;   // file, folder or list (ssl/prediction_inputs.h)
  std::string output;  // folder, created when missing
  bool save_probabilities = false;
  bool save_uncertainty = false;
  bool overwrite = false;
  std::string shard = "0/1";
  std::array<int64_t, 3> patch_size{0, 0, 0};  // 0: the checkpoint's
  int64_t stride_xy = 64, stride_z = 64;
  std::string image_key = "image";  // HDF5 inputs
  // "auto": NIfTI inputs are z-score normalised per case (as `import` stores them by default),
  // HDF5 inputs are used as stored (as `test` uses them); "zscore" or "none" for every input.
  std::string normalize = "auto";
  std::string device = "auto";
  std::string precision = "tf32";
};

struct PredictionOutcome {
  size_t cases_in_shard = 0;
  std::vector<std::string> written;           // case names predicted now
  std::vector<std::string> already_done;      // skipped: their label map existed
  std::vector<std::pair<std::string, std::string>> failed;  // case, reason
};

// Paths of a case's outputs.
std::string prediction_path(const std::string& output, const std::string& name);
std::string probabilities_path(const std::string& output, const std::string& name);
std::string uncertainty_path(const std::string& output, const std::string& name);

// Problems with the whole run (checkpoint, input, shard, settings) throw; problems with one case
// are logged, recorded in `failed`, and the run continues.
PredictionOutcome run_prediction(const PredictionConfig& config, RunLog& log);

}  // namespace semisam::ssl

// Synthetic phantoms, the project's built-in dataset: smooth organ-like shapes in a textured
// background with bias field, noise and partial-volume edges, written in the reference layout
// (ROOT/data/<case>.h5 with float32 `image` and uint8 `label`, plus train/val/test lists).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "tensor/tensor.h"

namespace semisam::io {

struct PhantomOptions {
  std::array<int64_t, 3> size = {96, 96, 64};  // voxels [X, Y, Z]
  int64_t num_classes = 2;                     // background included; class k >= 2 sits in or
                                               // beside class 1
  int64_t cases_train = 16;
  int64_t cases_val = 4;
  int64_t cases_test = 4;
  uint64_t seed = 1337;
  // The intensity model, in units of the organ/background contrast. The defaults make a single
  // threshold fail (overlapping intensities) while shape and context still identify the organ.
  double background_texture = 0.2;  // std of the smooth background texture
  double organ_texture = 0.1;       // std of the smooth texture inside structures
  double noise = 0.3;               // std of additive white Gaussian noise
  double bias = 0.12;               // std of the log of the multiplicative bias field
  int64_t distractors = 3;          // bright vessel-like tubes that are background
};

struct PhantomCase {
  Tensor image;  // float32 [X, Y, Z], z-score normalised (mean 0, std 1)
  Tensor label;  // uint8 [X, Y, Z], values 0 .. num_classes-1
};

// Throws naming the offending option (sizes < 16, classes outside 2..8, negative counts, ...).
void validate(const PhantomOptions& options);

// Case `index` of the dataset: a pure function of (options, index).
PhantomCase generate_phantom_case(const PhantomOptions& options, int64_t index);

// "phantom_0007"
std::string phantom_case_name(int64_t index);

// What the progress callback hears after each case file is written.
struct PhantomWritten {
  int64_t index = 0;  // 0-based, across all splits
  int64_t total = 0;
  std::string split;  // "train", "val" or "test"
  std::string name;
  std::string path;
  double foreground_fraction = 0;  // share of voxels with label > 0
};
using PhantomProgress = std::function<void(const PhantomWritten&)>;

// Writes the whole dataset under `root` (created if needed); every file atomically. Cases are
// numbered across the splits (train first, then val, then test).
void write_phantom_dataset(const std::string& root, const PhantomOptions& options,
                           const PhantomProgress& progress = {});

}  // namespace semisam::io

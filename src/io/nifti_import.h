// `semisam import`: converts a NIfTI dataset once into the reference's HDF5 layout
// (ROOT/data/<case>.h5 with `image` float32 and `label` uint8, split lists), keeping each case's
// geometry as attributes (io/nifti_geometry.h), so that training, validation and testing read
// NIfTI data through the one dataset reader they already use.
//
// Axis order: NIfTI voxel (i, j, k) is array element [i][j][k] of the HDF5 datasets (the reader
// transposes the file's x-fastest order to C order), the order the reference's LA files use.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/intensity.h"
#include "io/nifti_dataset.h"

namespace semisam::io {

struct ImportOptions {
  std::string output_root;  // ROOT: data/ and the split lists go here
  int64_t val_count = -1;   // labelled training cases held out for val.txt; -1: 20% (at least 1
                            // when there are 2 or more labelled cases)
  bool overwrite = false;   // replace case files that exist (else they are kept)
  // Images are z-score normalised per case by default, as the reference's HDF5 images are
  // (io/intensity.h); the choice is recorded in each file's `normalization` attribute.
  Normalization normalization = Normalization::ZScore;
};

struct ImportResult {
  std::vector<std::string> train;  // labelled cases first, then unlabelled ones
  std::vector<std::string> val, test, unlabelled_test;
  int64_t written = 0, kept = 0;   // case files written now, existing ones kept
};

// Called after each case: (index, count, case name, whether it was written).
using ImportProgress = std::function<void(size_t, size_t, const std::string&, bool)>;

// Writes ROOT/data/<case>.h5 for every case, then ROOT/train.txt (training cases not held out:
// labelled first), val.txt (the last val_count labelled training cases, by name), test.txt
// (testing cases with labels), test_unlabelled.txt (testing cases without) and all.txt; lists
// that would be empty are not written. Every file is written atomically.
ImportResult import_nifti_dataset(const NiftiDatasetFiles& files, const ImportOptions& options,
                                  const ImportProgress& progress = {});

}  // namespace semisam::io

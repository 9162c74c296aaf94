// Volumes of the reference dataset layout (SPEC §1): ROOT/data/<name>.h5 holding a 3-D `image`
// (any float or integer type, read as float32) and a 3-D `label` (any integer type, read as uint8).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/scan_geometry.h"
#include "tensor/tensor.h"

namespace semisam::io {

struct DatasetOptions {
  std::string image_key = "image";  // --image_key
  std::string label_key = "label";
  bool binary_label = false;  // --binary_label: every label > 0 becomes 1
  int64_t num_classes = 0;    // > 0: every label must be < num_classes
};

// Whether a case's label is read: training never reads the labels of its unlabelled cases.
enum class LabelMode { Skip, Require, IfPresent };

struct Case {
  std::string name;
  std::string path;  // the .h5 file it came from
  Tensor image;      // float32 [X, Y, Z], CPU
  Tensor label;      // uint8 [X, Y, Z], CPU; undefined when not read
  ScanGeometry geometry;  // from the file's optional attributes (io/nifti_geometry.h)
  bool has_label() const { return label.defined(); }
};

// ROOT/data/<name>.h5
std::string case_path(const std::string& root, const std::string& name);

// Reads and validates one case. Errors name the file and the problem: missing file or dataset
// (listing the datasets that exist), not 3-D, shapes that differ, non-numeric or non-integer
// labels, label values < 0 or >= num_classes or > 255, NaN or infinite image values.
Case load_case(const std::string& root, const std::string& name, const DatasetOptions& options,
               LabelMode label_mode = LabelMode::Require);

// The same for a case file anywhere (`name` is for messages).
Case load_case_file(const std::string& path, const std::string& name,
                    const DatasetOptions& options, LabelMode label_mode = LabelMode::Require);

// Reads the image dataset of an HDF5 file that may have no label (prediction input).
Case load_image_file(const std::string& path, const std::string& name,
                     const std::string& image_key = "image");

// Throws naming `what` when the float32 volume holds NaN or infinite values.
void check_finite(const Tensor& volume, const std::string& what);

// Called after each case of a split is loaded: (index, count, case).
using LoadProgress = std::function<void(size_t, size_t, const Case&)>;

// Every case of a split list (SPEC §1), in list order, loaded once into memory. The labels of the
// first `labelled_count` cases are required (-1: all cases); the others follow `other_labels`.
std::vector<Case> load_split(const std::string& root, const std::string& list,
                             const DatasetOptions& options, int64_t labelled_count = -1,
                             LabelMode other_labels = LabelMode::Skip,
                             const LoadProgress& progress = {});

// Bytes of image and label memory held by the cases.
size_t resident_bytes(const std::vector<Case>& cases);

}  // namespace semisam::io

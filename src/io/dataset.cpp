// Loading and validating cases of the reference dataset layout.
#include "io/dataset.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <filesystem>

#include "io/case_name.h"
#include "io/h5_file.h"
#include "io/nifti_geometry.h"
#include "io/split_list.h"
#include "io/volume_limits.h"
#include "tensor/error.h"

namespace semisam::io {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "none" : text;
}

// Opens the 3-D numeric dataset `key`; every refusal names the file, the key and what is there
// instead, and the declared size is bounded before anything is allocated for it.
h5::Dataset open_volume(const h5::Group& root, const std::string& key, const std::string& role) {
  const std::string& file = root.file_path();
  SEMISAM_CHECK(!root.has_group(key), file, ": '", key, "' is a group, not a dataset; the ", role,
                " must be a 3-D array of numbers");
  SEMISAM_CHECK(root.has_dataset(key), file, " has no ", role, " dataset '", key,
                "' (it holds: ", join(root.children()), ")");
  h5::Dataset dataset = root.open_dataset(key);
  SEMISAM_CHECK(dataset.type_class() != h5::TypeClass::Other, file, ": ", role, " dataset '", key,
                "' holds ", dataset.type_name(), " values, expected numbers");
  Shape shape = dataset.shape();
  SEMISAM_CHECK(shape.size() == 3, file, ": ", role, " dataset '", key,
                "' is not 3-D: its shape is ", shape_str(shape));
  // Not shape_numel: the declared sizes are not bounded yet, and their product can overflow.
  const bool empty_axis = std::any_of(shape.begin(), shape.end(), [](int64_t s) { return s == 0; });
  SEMISAM_CHECK(!empty_axis, file, ": ", role, " dataset '", key, "' has shape ", shape_str(shape),
                ", an empty axis; a volume needs at least one voxel per axis");
  check_volume_size(shape, file + ": " + role + " dataset '" + key + "'");
  return dataset;
}

Tensor read_image(const h5::Group& root, const std::string& case_name, const std::string& key) {
  h5::Dataset dataset = open_volume(root, key, "image");
  Tensor image = dataset.read(DType::Float32);
  check_finite(image, "case '" + case_name + "' (" + root.file_path() + "): image '" + key + "'");
  return image;
}

ScanGeometry read_geometry(const h5::Group& root, const Shape& shape) {
  ScanGeometry geometry;
  geometry.spacing = read_spacing_attribute(root);
  geometry.nifti = read_geometry_attributes(root, shape);
  // A case imported from NIfTI always has both; a hand-made file may carry only `spacing`,
  // which then wins over pixdim.
  if (geometry.nifti && !geometry.spacing) geometry.spacing = geometry.nifti->spacing_mm();
  return geometry;
}

Tensor read_label(const h5::Group& root, const std::string& case_name,
                  const DatasetOptions& options) {
  const std::string& key = options.label_key;
  h5::Dataset dataset = open_volume(root, key, "label");
  SEMISAM_CHECK(dataset.type_class() == h5::TypeClass::Integer, root.file_path(),
                ": label dataset '", key, "' holds ", dataset.type_name(),
                " values, expected an integer type");
  // Wide reading first, so negative and large values are seen rather than wrapped.
  Tensor wide = dataset.read(DType::Int64);
  Tensor label = Tensor::empty(wide.shape(), DType::UInt8);
  const int64_t* in = wide.data<int64_t>();
  uint8_t* out = label.data<uint8_t>();
  int64_t limit = options.binary_label ? INT64_MAX : options.num_classes > 0 ? options.num_classes
                                                                            : 256;
  int64_t bad_count = 0, lowest = 0, highest = 0;
  for (int64_t i = 0; i < wide.numel(); ++i) {
    int64_t value = in[i];
    if (value < 0 || value >= limit) {
      lowest = bad_count == 0 ? value : std::min(lowest, value);
      highest = bad_count == 0 ? value : std::max(highest, value);
      ++bad_count;
      continue;
    }
    out[i] = options.binary_label ? uint8_t(value > 0) : uint8_t(value);
  }
  if (bad_count > 0) {
    // A negative value is the more telling one to report when both kinds occur.
    int64_t shown = lowest < 0 ? lowest : highest;
    std::string rule = shown < 0 ? std::string("labels must be >= 0")
                       : options.num_classes > 0
                           ? "labels must be < num_classes = " + std::to_string(options.num_classes) +
                                 " (--binary_label maps every label > 0 to 1)"
                           : std::string("labels must fit in uint8 (0..255)");
    SEMISAM_FAIL("case '", case_name, "' (", root.file_path(), "): label value ", shown, " in ",
                 bad_count, " voxel(s); ", rule);
  }
  return label;
}

}  // namespace

std::string case_path(const std::string& root, const std::string& name) {
  // Every caller validated the name where it came from; this guards the join itself.
  check_case_name(name, "the case file of dataset " + root);
  return (std::filesystem::path(root) / "data" / (name + ".h5")).string();
}

void check_finite(const Tensor& volume, const std::string& what) {
  const float* values = volume.data<float>();
  int64_t nan_count = 0, inf_count = 0;
  for (int64_t i = 0; i < volume.numel(); ++i) {
    if (std::isnan(values[i])) ++nan_count;
    else if (std::isinf(values[i])) ++inf_count;
  }
  SEMISAM_CHECK(nan_count == 0 && inf_count == 0, what, " holds ", nan_count, " NaN and ",
                inf_count, " infinite values");
}

Case load_case(const std::string& root, const std::string& name, const DatasetOptions& options,
               LabelMode label_mode) {
  return load_case_file(case_path(root, name), name, options, label_mode);
}

Case load_image_file(const std::string& path, const std::string& name,
                     const std::string& image_key) {
  DatasetOptions options;
  options.image_key = image_key;
  return load_case_file(path, name, options, LabelMode::Skip);
}

Case load_case_file(const std::string& path, const std::string& name,
                    const DatasetOptions& options, LabelMode label_mode) {
  Case result;
  result.name = name;
  result.path = path;
  std::error_code error;
  SEMISAM_CHECK(std::filesystem::exists(result.path, error), "case '", name,
                "': file not found: ", result.path);
  h5::File file = h5::File::open(result.path);
  h5::Group top = file.root();
  result.image = read_image(top, name, options.image_key);
  result.geometry = read_geometry(top, result.image.shape());
  bool want_label = label_mode == LabelMode::Require ||
                    (label_mode == LabelMode::IfPresent && top.has(options.label_key));
  if (want_label) {
    result.label = read_label(top, name, options);
    SEMISAM_CHECK(result.label.shape() == result.image.shape(), result.path, ": image '",
                  options.image_key, "' has shape ", shape_str(result.image.shape()),
                  " but label '", options.label_key, "' has shape ",
                  shape_str(result.label.shape()));
  }
  return result;
}

std::vector<Case> load_split(const std::string& root, const std::string& list,
                             const DatasetOptions& options, int64_t labelled_count,
                             LabelMode other_labels, const LoadProgress& progress) {
  std::vector<std::string> names = read_split_list(split_list_path(root, list));
  std::vector<Case> cases;
  cases.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    bool labelled = labelled_count < 0 || int64_t(i) < labelled_count;
    cases.push_back(load_case(root, names[i], options, labelled ? LabelMode::Require : other_labels));
    if (progress) progress(i, names.size(), cases.back());
  }
  return cases;
}

size_t resident_bytes(const std::vector<Case>& cases) {
  size_t bytes = 0;
  for (const auto& c : cases) {
    if (c.image.defined()) bytes += c.image.nbytes();
    if (c.label.defined()) bytes += c.label.nbytes();
  }
  return bytes;
}

}  // namespace semisam::io

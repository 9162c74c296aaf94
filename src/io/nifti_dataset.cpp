// Discovering NIfTI datasets on disk and reading their scans with the checks real data needs.
#include "io/nifti_dataset.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "io/case_name.h"
#include "io/dataset.h"
#include "io/nifti_geometry.h"
#include "io/volume_limits.h"
#include "tensor/error.h"

namespace semisam::io {
namespace fs = std::filesystem;
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string strip_extension(const std::string& file) {
  for (const char* ext : {".nii.gz", ".nii", ".hdf5", ".h5"})
    if (ends_with(file, ext)) return file.substr(0, file.size() - std::string(ext).size());
  return file;
}

// "<case>_NNNN" → NNNN, or -1 when the name has no channel suffix.
int channel_of(const std::string& stem) {
  if (stem.size() < 6 || stem[stem.size() - 5] != '_') return -1;
  for (size_t i = stem.size() - 4; i < stem.size(); ++i)
    if (stem[i] < '0' || stem[i] > '9') return -1;
  return std::stoi(stem.substr(stem.size() - 4));
}

std::vector<std::string> files_with_ending(const std::string& folder, const std::string& ending) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && ends_with(name, ending) && name[0] != '.')
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The images of one folder keyed by case name; a second channel is refused.
std::map<std::string, std::string> images_in(const std::string& folder, const std::string& ending,
                                             bool channel_suffix_required) {
  std::map<std::string, std::string> images;
  for (const std::string& path : files_with_ending(folder, ending)) {
    const std::string stem = fs::path(path).filename().string().substr(
        0, fs::path(path).filename().string().size() - ending.size());
    const int channel = channel_of(stem);
    SEMISAM_CHECK(!channel_suffix_required || channel >= 0, path, ": an nnU-Net image must be "
                  "named <case>_0000", ending);
    // In nnU-Net's layout _0001 is always a second channel; in a plain folder only when the
    // case's _0000 is there too (checked by the caller), else it is part of the name.
    SEMISAM_CHECK(!channel_suffix_required || channel == 0, path, ": channel ", channel,
                  " of a multi-channel case; semisam segments single-channel scans (only "
                  "<case>_0000 is used)");
    const std::string name = channel == 0 ? stem.substr(0, stem.size() - 5) : stem;
    check_case_name(name, path);
    SEMISAM_CHECK(images.emplace(name, path).second, "case '", name, "' has two images in ",
                  folder, ": ", images[name], " and ", path);
  }
  return images;
}

std::vector<NiftiCaseFiles> pair_with_labels(const std::map<std::string, std::string>& images,
                                             const std::string& labels_folder,
                                             const std::string& ending) {
  std::vector<NiftiCaseFiles> cases;
  for (const auto& [name, image] : images) {
    NiftiCaseFiles c{name, image, ""};
    if (!labels_folder.empty()) {
      for (const std::string& ext : {ending, std::string(".nii.gz"), std::string(".nii")}) {
        const fs::path label = fs::path(labels_folder) / (name + ext);
        if (fs::exists(label)) {
          c.label = label.string();
          break;
        }
      }
    }
    cases.push_back(c);
  }
  return cases;
}

}  // namespace

bool is_nifti_path(const std::string& path) {
  return ends_with(path, ".nii.gz") || ends_with(path, ".nii");
}

bool is_hdf5_path(const std::string& path) {
  return ends_with(path, ".h5") || ends_with(path, ".hdf5");
}

std::string case_name_of(const std::string& path) {
  const std::string stem = strip_extension(fs::path(path).filename().string());
  // nnU-Net's channel suffix is a NIfTI naming convention; HDF5 case files are named as cases
  // (the reference layout has phantom_0000.h5, phantom_0001.h5, ...).
  return is_nifti_path(path) && channel_of(stem) == 0 ? stem.substr(0, stem.size() - 5) : stem;
}

NiftiDatasetFiles find_nnunet_dataset(const std::string& root) {
  const fs::path images_tr = fs::path(root) / "imagesTr";
  SEMISAM_CHECK(fs::is_directory(images_tr), root, " is not an nnU-Net raw dataset: it has no "
                "imagesTr/ folder");
  std::string ending = ".nii.gz";
  const fs::path json_path = fs::path(root) / "dataset.json";
  if (fs::exists(json_path)) {
    std::ifstream in(json_path);
    nlohmann::json description;
    try {
      in >> description;
    } catch (const std::exception& e) {
      SEMISAM_FAIL(json_path.string(), ": not valid JSON (", e.what(), ")");
    }
    // Every access is type-checked: nlohmann's own type errors are not semisam::Error and named
    // no file (the fuzzer found `"file_ending": 0` ending the program).
    SEMISAM_CHECK(description.is_object(), json_path.string(), ": expected a JSON object, found ",
                  description.type_name());
    if (description.contains("file_ending")) {
      const nlohmann::json& value = description["file_ending"];
      SEMISAM_CHECK(value.is_string(), json_path.string(), ": 'file_ending' is a ",
                    value.type_name(), ", expected a string such as \".nii.gz\"");
      ending = value.get<std::string>();
    }
    SEMISAM_CHECK(ending == ".nii.gz" || ending == ".nii", json_path.string(), ": file_ending '",
                  ending, "' is not NIfTI (.nii.gz or .nii)");
    for (const char* key : {"channel_names", "modality"})
      if (description.contains(key))
        SEMISAM_CHECK(description[key].size() == 1, json_path.string(), ": '", key, "' lists ",
                      description[key].size(), " channels; semisam segments single-channel scans");
  }
  NiftiDatasetFiles files;
  files.layout = "nnU-Net raw";
  files.training = pair_with_labels(images_in(images_tr.string(), ending, true),
                                    (fs::path(root) / "labelsTr").string(), ending);
  SEMISAM_CHECK(!files.training.empty(), images_tr.string(), " holds no <case>_0000", ending,
                " images");
  const fs::path images_ts = fs::path(root) / "imagesTs", labels_ts = fs::path(root) / "labelsTs";
  if (fs::is_directory(images_ts))
    files.testing = pair_with_labels(images_in(images_ts.string(), ending, true),
                                     fs::is_directory(labels_ts) ? labels_ts.string() : "", ending);
  return files;
}

NiftiDatasetFiles find_image_folder(const std::string& images, const std::string& labels) {
  SEMISAM_CHECK(fs::is_directory(images), images, " is not a folder");
  SEMISAM_CHECK(labels.empty() || fs::is_directory(labels), labels, " is not a folder");
  std::map<std::string, std::string> found;
  for (const char* ending : {".nii.gz", ".nii"})
    for (const auto& [name, path] : images_in(images, ending, false))
      SEMISAM_CHECK(found.emplace(name, path).second, "case '", name, "' has two images in ",
                    images, ": ", found[name], " and ", path);
  SEMISAM_CHECK(!found.empty(), images, " holds no NIfTI images (.nii.gz or .nii)");
  for (const auto& [name, path] : found) {
    const int channel = channel_of(name);
    SEMISAM_CHECK(channel <= 0 || !found.count(name.substr(0, name.size() - 5)), path,
                  ": channel ", channel, " of case '", name.substr(0, name.size() - 5),
                  "'; semisam segments single-channel scans (only <case>_0000 is used)");
  }
  NiftiDatasetFiles files;
  files.layout = "image folder";
  files.training = pair_with_labels(found, labels, ".nii.gz");
  return files;
}

NiftiImage read_nifti_scan(const std::string& path) {
  NiftiHeader header = read_nifti_header(path);
  SEMISAM_CHECK(header.shape().size() == 3, path, ": a ", header.shape().size(),
                "-D image of shape ", shape_str(header.shape()),
                "; semisam segments 3-D single-channel scans");
  check_volume_size(header.shape(), path + ": the image");
  NiftiImage image = read_nifti(path, NiftiVoxels::Float32);
  check_finite(image.voxels, path + ": the image");
  return image;
}

NiftiImage read_nifti_label_for(const std::string& label_path, const std::string& image_path,
                                const NiftiHeader& image_header) {
  NiftiHeader header = read_nifti_header(label_path);
  SEMISAM_CHECK(header.shape().size() == 3, label_path, ": a ", header.shape().size(),
                "-D label map of shape ", shape_str(header.shape()), ", expected 3-D");
  SEMISAM_CHECK(header.shape() == image_header.shape(), label_path, ": label shape ",
                shape_str(header.shape()), " differs from the shape ",
                shape_str(image_header.shape()), " of its image ", image_path);
  if (!same_geometry(header, image_header)) {
    const Affine a = nifti_affine(header), b = nifti_affine(image_header);
    auto row = [](const Affine& m, size_t r) {
      return "[" + std::to_string(m[r][0]) + " " + std::to_string(m[r][1]) + " " +
             std::to_string(m[r][2]) + " " + std::to_string(m[r][3]) + "]";
    };
    SEMISAM_FAIL(label_path, ": label geometry differs from its image ", image_path,
                 " (label affine ", row(a, 0), row(a, 1), row(a, 2), ", image affine ", row(b, 0),
                 row(b, 1), row(b, 2), "); resample the label onto the image grid");
  }
  return read_nifti(label_path, NiftiVoxels::UInt8);
}

}  // namespace semisam::io

// Import of NIfTI datasets into the reference's HDF5 layout.
#include "io/nifti_import.h"

#include <filesystem>
#include <map>

#include "io/case_writer.h"
#include "io/dataset.h"
#include "io/nifti_geometry.h"
#include "io/split_list.h"
#include "tensor/error.h"

namespace semisam::io {
namespace fs = std::filesystem;
namespace {

bool import_case(const NiftiCaseFiles& c, const ImportOptions& options) {
  const std::string target = case_path(options.output_root, c.name);
  if (!options.overwrite && fs::exists(target)) return false;
  NiftiImage image = read_nifti_scan(c.image);
  if (options.normalization == Normalization::ZScore) zscore_normalize(image.voxels, c.image);
  Tensor label;
  if (!c.label.empty()) label = read_nifti_label_for(c.label, c.image, image.header).voxels;
  write_case_file(target, image.voxels, label, "image", "label", [&](const h5::Group& root) {
    write_geometry_attributes(root, image.header, c.image);
    root.set_attribute("normalization", normalization_name(options.normalization));
  });
  return true;
}

}  // namespace

ImportResult import_nifti_dataset(const NiftiDatasetFiles& files, const ImportOptions& options,
                                  const ImportProgress& progress) {
  SEMISAM_CHECK(!options.output_root.empty(), "import needs an output folder");
  fs::create_directories(fs::path(options.output_root) / "data");
  ImportResult result;
  std::vector<const NiftiCaseFiles*> all;
  for (const auto& c : files.training) all.push_back(&c);
  for (const auto& c : files.testing) all.push_back(&c);
  std::map<std::string, std::string> seen;
  for (const auto* c : all)
    SEMISAM_CHECK(seen.emplace(c->name, c->image).second, "case '", c->name, "' appears twice: ",
                  seen[c->name], " and ", c->image);
  for (size_t i = 0; i < all.size(); ++i) {
    bool written = import_case(*all[i], options);
    (written ? result.written : result.kept) += 1;
    if (progress) progress(i, all.size(), all[i]->name, written);
  }

  std::vector<std::string> labelled, unlabelled;
  for (const auto& c : files.training) (c.label.empty() ? unlabelled : labelled).push_back(c.name);
  int64_t val_count = options.val_count;
  if (val_count < 0)
    val_count = labelled.size() >= 2 ? std::max<int64_t>(1, int64_t(labelled.size()) / 5) : 0;
  SEMISAM_CHECK(val_count <= int64_t(labelled.size()), "--val_count ", val_count, " exceeds the ",
                labelled.size(), " labelled training cases");
  const size_t keep = labelled.size() - size_t(val_count);
  result.train.assign(labelled.begin(), labelled.begin() + long(keep));
  result.train.insert(result.train.end(), unlabelled.begin(), unlabelled.end());
  result.val.assign(labelled.begin() + long(keep), labelled.end());
  for (const auto& c : files.testing)
    (c.label.empty() ? result.unlabelled_test : result.test).push_back(c.name);

  std::vector<std::string> everything;
  for (const auto* c : all) everything.push_back(c->name);
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"train.txt", &result.train}, {"val.txt", &result.val}, {"test.txt", &result.test},
      {"test_unlabelled.txt", &result.unlabelled_test}, {"all.txt", &everything}};
  for (const auto& [file, names] : lists)
    if (!names->empty()) write_split_list((fs::path(options.output_root) / file).string(), *names);
  return result;
}

}  // namespace semisam::io

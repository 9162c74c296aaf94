// `semisam import`: a NIfTI dataset (nnU-Net raw layout, or a folder of images with an optional
// folder of labels) into the reference's HDF5 layout, geometry kept, split lists written.
#include <iostream>
#include <memory>

#include "../command_registry.h"
#include "io/nifti_import.h"

namespace semisam::tools {
namespace {

struct ImportArgs {
  std::string nnunet, images, labels, normalize = "zscore";
  io::ImportOptions options;
};

void print_list(const char* file, const std::vector<std::string>& names) {
  if (!names.empty()) std::cout << "  " << file << ": " << names.size() << " cases\n";
}

int run_import(const ImportArgs& a) {
  require_usage(a.nnunet.empty() != a.images.empty(), "import needs exactly one source: "
                "--nnunet DATASET_FOLDER or --images FOLDER [--labels FOLDER]");
  io::ImportOptions options = a.options;
  options.normalization = io::parse_normalization(a.normalize, "--normalize");
  io::NiftiDatasetFiles files =
      a.nnunet.empty() ? io::find_image_folder(a.images, a.labels) : io::find_nnunet_dataset(a.nnunet);
  size_t labelled = 0;
  for (const auto& c : files.training) labelled += !c.label.empty();
  std::cout << "importing " << files.layout << " dataset: " << files.training.size()
            << " training cases (" << labelled << " labelled), " << files.testing.size()
            << " testing cases → " << a.options.output_root << "\n";
  io::ImportResult result = io::import_nifti_dataset(
      files, options, [](size_t i, size_t n, const std::string& name, bool written) {
        std::cout << "[" << i + 1 << "/" << n << "] " << name
                  << (written ? "" : " (exists, kept; --overwrite replaces it)") << "\n";
      });
  std::cout << "wrote " << result.written << " case files, kept " << result.kept
            << "; split lists in " << a.options.output_root << ":\n";
  print_list("train.txt", result.train);
  print_list("val.txt", result.val);
  print_list("test.txt", result.test);
  print_list("test_unlabelled.txt", result.unlabelled_test);
  if (result.test.empty())
    std::cout << "no labelled testing cases, so no test.txt: `semisam test --test_list val.txt` "
                 "measures the held-out cases, `semisam predict` segments unlabelled ones\n";
  if (result.val.empty())
    std::cout << "no val.txt (fewer than 2 labelled training cases or --val_count 0): training "
                 "needs one; rerun with --val_count N\n";
  return 0;
}

RegisterCommand import_command{
    {"import", "Import NIfTI data (nnU-Net raw layout or a folder) into the HDF5 dataset layout",
     [](CLI::App& sub) -> std::function<int()> {
       auto a = std::make_shared<ImportArgs>();
       sub.add_option("--nnunet", a->nnunet, "nnU-Net raw dataset folder (imagesTr/, labelsTr/, imagesTs/, dataset.json)");
       sub.add_option("--images", a->images, "Folder of images (<case>.nii.gz or <case>_0000.nii.gz)");
       sub.add_option("--labels", a->labels, "Folder of label maps <case>.nii.gz (with --images)");
       sub.add_option("-o,--output,--root_path", a->options.output_root, "Dataset root to write (data/, split lists)")->required();
       sub.add_option("--val_count", a->options.val_count, "Labelled training cases held out for val.txt (default: 20%)");
       sub.add_flag("--overwrite", a->options.overwrite, "Replace case files that exist");
       sub.add_option("--normalize", a->normalize, "Image intensities: zscore per case (as the reference's data) or none")
           ->check(CLI::IsMember({"zscore", "none"}))->capture_default_str();
       return [a] { return run_import(*a); };
     }}};

}  // namespace
}  // namespace semisam::tools

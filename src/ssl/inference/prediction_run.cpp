// Predicting label maps (and optionally probabilities and uncertainty) for unlabelled scans.
#include "ssl/inference/prediction_run.h"

#include <filesystem>

#include "io/atomic_file.h"
#include "io/dataset.h"
#include "io/intensity.h"
#include "io/nifti_dataset.h"
#include "io/scan_geometry.h"
#include "kernels/copy.h"
#include "kernels/precision.h"
#include "ssl/inference/prediction_inputs.h"
#include "ssl/inference/segmentation_inference.h"
#include "tensor/device.h"

namespace semisam::ssl {
namespace fs = std::filesystem;
namespace {

struct Scan {
  Tensor image;  // float32 [X, Y, Z], CPU
  io::ScanGeometry geometry;
};

Scan read_scan(const PredictionInput& input, const PredictionConfig& config) {
  Scan scan;
  const bool nifti = io::is_nifti_path(input.path);
  if (nifti) {
    io::NiftiImage image = io::read_nifti_scan(input.path);
    scan = {image.voxels, io::geometry_of(image.header)};
  } else {
    io::Case c = io::load_image_file(input.path, input.name, config.image_key);
    scan = {c.image, c.geometry};
  }
  const bool zscore = config.normalize == "auto" ? nifti : config.normalize == "zscore";
  if (zscore) io::zscore_normalize(scan.image, input.path);
  return scan;
}

// The averaged probabilities without the sliding window's padding: [X, Y, Z, C] on the CPU.
Tensor cropped_probabilities(const SlidingWindowResult& result, const Shape& image_shape) {
  Tensor p = result.probabilities;
  for (int axis = 0; axis < 3; ++axis)
    p = p.narrow(axis + 1, result.pad_before[size_t(axis)], image_shape[size_t(axis)]);
  return ops::contiguous(ops::to_device(p, Device::cpu()));
}

}  // namespace

std::string prediction_path(const std::string& output, const std::string& name) {
  return (fs::path(output) / (name + ".nii.gz")).string();
}
std::string probabilities_path(const std::string& output, const std::string& name) {
  return (fs::path(output) / (name + "_probabilities.nii.gz")).string();
}
std::string uncertainty_path(const std::string& output, const std::string& name) {
  return (fs::path(output) / (name + "_uncertainty.nii.gz")).string();
}

PredictionOutcome run_prediction(const PredictionConfig& config, RunLog& log) {
  SEMISAM_CHECK(!config.output.empty(), "predict needs an output folder (--output / -o)");
  const Shard shard = parse_shard(config.shard);
  SEMISAM_CHECK(config.normalize == "auto" || config.normalize == "zscore" ||
                    config.normalize == "none",
                "--normalize '", config.normalize, "': expected auto, zscore or none");
  const std::vector<PredictionInput> all = find_prediction_inputs(config.input);
  const std::vector<PredictionInput> inputs = select_shard(all, shard);
  const Device device = parse_device(config.device);
  ops::MathModeGuard mode(ops::parse_math_mode(config.precision));
  SegmentationModel model = load_segmentation_model(config.ckpt, device);
  const SlidingWindowOptions window =
      window_for(model, config.patch_size, config.stride_xy, config.stride_z, device);
  const PatchPredictor predictor = patch_predictor(model);
  fs::create_directories(config.output);
  for (const std::string& path : io::remove_stale_temporaries(config.output))
    log.line("removed %s, left by a run that was killed while writing it", path.c_str());
  log.line(
      "predicting %zu of %zu cases (shard %lld/%lld) from %s with %s (%s, %lld classes), "
      "patch %lldx%lldx%lld, stride %lld/%lld, intensities %s, %s on %s",
      inputs.size(), all.size(), (long long)shard.index, (long long)shard.count,
      config.input.c_str(), config.ckpt.c_str(), model.source.c_str(), (long long)model.num_classes,
      (long long)window.patch[0], (long long)window.patch[1], (long long)window.patch[2],
      (long long)config.stride_xy, (long long)config.stride_z,
      config.normalize == "auto" ? "z-scored for NIfTI, as stored for HDF5"
                                 : config.normalize.c_str(),
      config.precision.c_str(), device.str().c_str());

  PredictionOutcome outcome;
  outcome.cases_in_shard = inputs.size();
  bool told_no_geometry = false;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const PredictionInput& input = inputs[i];
    const std::string label_path = prediction_path(config.output, input.name);
    if (!config.overwrite && fs::exists(label_path)) {
      outcome.already_done.push_back(input.name);
      log.line("[%zu/%zu] %s: %s exists, skipped (--overwrite replaces it)", i + 1, inputs.size(),
               input.name.c_str(), label_path.c_str());
      continue;
    }
    const double start = log.elapsed_seconds();
    try {
      Scan scan = read_scan(input, config);
      if (!scan.geometry.has_nifti() && !told_no_geometry) {
        log.line("%s carries no NIfTI geometry: its outputs get an identity orientation (and its "
                 "spacing when known)", input.path.c_str());
        told_no_geometry = true;
      }
      const bool keep = config.save_probabilities || config.save_uncertainty;
      SlidingWindowResult result = sliding_window_predict(scan.image, predictor, window, keep);
      // Extras first, the label map last: its presence marks a finished case.
      if (keep) {
        Tensor probabilities = cropped_probabilities(result, scan.image.shape());  // [C, X, Y, Z]
        if (config.save_probabilities)
          io::write_nifti_with_geometry(probabilities_path(config.output, input.name),
                                        probabilities.permute({1, 2, 3, 0}), scan.geometry);
        if (config.save_uncertainty)
          io::write_nifti_with_geometry(uncertainty_path(config.output, input.name),
                                        voxel_entropy(probabilities), scan.geometry);
      }
      io::write_nifti_with_geometry(label_path, result.label, scan.geometry);
      outcome.written.push_back(input.name);
      log.line("[%zu/%zu] %s → %s (%.1f s)", i + 1, inputs.size(), input.name.c_str(),
               label_path.c_str(), log.elapsed_seconds() - start);
    } catch (const std::exception& e) {
      outcome.failed.emplace_back(input.name, e.what());
      log.line("[%zu/%zu] %s: skipped: %s", i + 1, inputs.size(), input.name.c_str(), e.what());
    }
  }
  log.line("predicted %zu, already done %zu, skipped for errors %zu (of %zu in this shard)",
           outcome.written.size(), outcome.already_done.size(), outcome.failed.size(),
           inputs.size());
  for (const auto& [name, reason] : outcome.failed)
    log.line("skipped case %s: %s", name.c_str(), reason.c_str());
  return outcome;
}

}  // namespace semisam::ssl

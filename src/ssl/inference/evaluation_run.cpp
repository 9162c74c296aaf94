// Testing a trained model: sliding-window predictions, metrics, reports and NIfTI files.
#include "ssl/inference/evaluation_run.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "io/dataset.h"
#include "io/scan_geometry.h"
#include "io/split_list.h"
#include "kernels/precision.h"
#include "ssl/run/run_report.h"
#include "ssl/inference/segmentation_checkpoint.h"
#include "ssl/run/slice_preview.h"
#include "ssl/run/train_settings.h"
#include "ssl/inference/segmentation_inference.h"
#include "tensor/device.h"

namespace semisam::ssl {
namespace fs = std::filesystem;
namespace {

struct ReportPaths {
  std::string text, csv, json;
};

ReportPaths report_paths(const EvaluationConfig& config) {
  if (config.report.empty()) {
    const fs::path folder = fs::path(config.ckpt).parent_path();
    return {(folder / "test_report.txt").string(), (folder / "test_metrics.csv").string(),
            (folder / "summary.json").string()};
  }
  fs::path stem = fs::path(config.report);
  stem.replace_extension();
  return {config.report, stem.string() + ".csv", stem.string() + ".summary.json"};
}

// Writes the previews of one case into `folder`/test_previews and returns their entry for
// previews.json (paths relative to `folder`, as the report links them).
nlohmann::json write_case_previews(const fs::path& folder, const io::Case& c,
                                   const Tensor& prediction, const CaseEvaluation& ce,
                                   int64_t slices, std::vector<std::string>& written) {
  const int64_t scale = preview_scale(c.image);
  nlohmann::json entry = {{"case", c.name}, {"slices", nlohmann::json::array()}};
  nlohmann::json dice = nlohmann::json::array();
  for (const auto& m : ce.classes) dice.push_back(m.dice);
  entry["dice"] = dice;
  for (int64_t z : preview_slices(prediction, c.label, slices)) {
    const std::string name = kPreviewFolder + "/" + c.name + "_z" + std::to_string(z) + ".png";
    io::write_png((folder / name).string(), render_slice(c.image, prediction, c.label, z, scale));
    written.push_back((folder / name).string());
    entry["slices"].push_back({{"z", z}, {"file", name}});
  }
  return entry;
}

// Removes the PNGs of an earlier test, so the folder holds only what previews.json lists.
void clear_previews(const fs::path& folder) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder / kPreviewFolder, error))
    if (entry.path().extension() == ".png") fs::remove(entry.path(), error);
}

}  // namespace

EvaluationOutcome run_evaluation(const EvaluationConfig& config, RunLog& log) {
  const Device device = parse_device(config.device);
  ops::MathModeGuard mode(ops::parse_math_mode(config.precision));
  // The list first: a wrong root should fail before the model is loaded.
  const std::vector<std::string> names =
      io::read_split_list(io::split_list_path(config.root_path, config.test_list));
  SegmentationModel model = load_segmentation_model(config.ckpt, device);
  const int64_t num_classes = config.num_classes > 0 ? config.num_classes : model.num_classes;
  SEMISAM_CHECK(num_classes == model.num_classes, "--num_classes ", num_classes,
                " differs from the ", model.num_classes, " classes of ", config.ckpt);
  const SlidingWindowOptions window =
      window_for(model, config.patch_size, config.stride_xy, config.stride_z, device);
  log.line("testing %s (%s, round %lld, iteration %lld) on %zu cases of %s, patch %lldx%lldx%lld, "
           "stride %lld/%lld, %s on %s", config.ckpt.c_str(), model.source.c_str(),
           (long long)model.round, (long long)model.iteration, names.size(),
           config.test_list.c_str(), (long long)window.patch[0], (long long)window.patch[1],
           (long long)window.patch[2], (long long)config.stride_xy, (long long)config.stride_z,
           config.precision.c_str(), device.str().c_str());
  const PatchPredictor predictor = patch_predictor(model);
  if (!config.save_pred.empty()) {
    fs::create_directories(config.save_pred);
    for (const std::string& path : io::remove_stale_temporaries(config.save_pred))
      log.line("removed %s, left by a run that was killed while writing it", path.c_str());
  }

  io::DatasetOptions data;
  data.image_key = config.image_key;
  data.binary_label = config.binary_label;
  data.num_classes = num_classes;
  EvaluationOutcome outcome;
  std::vector<eval::BinaryMetrics> all_rows;
  std::vector<std::vector<eval::BinaryMetrics>> class_rows(size_t(num_classes - 1));
  bool told_no_geometry = false, told_no_spacing = false;
  const ReportPaths paths = report_paths(config);
  const fs::path report_folder = fs::path(paths.text).parent_path();
  const bool previews = config.preview_cases > 0 && config.preview_slices > 0;
  if (previews && !io::png_supported())
    log.line("this build has no libpng: no slice previews (install libpng-dev and rebuild)");
  const bool write_previews = previews && io::png_supported();
  nlohmann::json preview_list = nlohmann::json::array();
  if (write_previews) {
    fs::create_directories(report_folder / kPreviewFolder);
    clear_previews(report_folder);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    const double start = log.elapsed_seconds();
    io::Case c = io::load_case(config.root_path, names[i], data, io::LabelMode::Require);
    if (!c.geometry.has_spacing() && !told_no_spacing) {
      log.line("%s has no 'spacing' attribute: HD95 and ASD of such cases are in voxels",
               c.path.c_str());
      told_no_spacing = true;
    }
    const std::array<double, 3> spacing = c.geometry.spacing_or_unit();
    SlidingWindowResult result = sliding_window_predict(c.image, predictor, window);
    CaseEvaluation ce{c.name,
                      eval::evaluate_classes(result.label, c.label, int(num_classes),
                                             eval::EmptyMaskPolicy::TestReport,
                                             eval::Spacing{spacing[0], spacing[1], spacing[2]}),
                      c.geometry.distance_unit()};
    for (size_t k = 0; k < ce.classes.size(); ++k) {
      all_rows.push_back(ce.classes[k]);
      class_rows[k].push_back(ce.classes[k]);
      log.line("[%zu/%zu] %s class %zu: %s (%.1f s)", i + 1, names.size(), c.name.c_str(), k + 1,
               format_metrics(ce.classes[k], ce.distance_unit).c_str(),
               log.elapsed_seconds() - start);
    }
    if (!config.save_pred.empty()) {
      if (!c.geometry.has_nifti() && !told_no_geometry) {
        log.line("%s carries no NIfTI geometry: --save_pred files get an identity orientation "
                 "(and its spacing when known)", c.path.c_str());
        told_no_geometry = true;
      }
      const std::string base = (fs::path(config.save_pred) / c.name).string();
      io::write_nifti_with_geometry(base + "_pred.nii.gz", result.label, c.geometry);
      io::write_nifti_with_geometry(base + "_img.nii.gz", c.image, c.geometry);
      io::write_nifti_with_geometry(base + "_gt.nii.gz", c.label, c.geometry);
    }
    if (write_previews && int64_t(i) < config.preview_cases)
      preview_list.push_back(write_case_previews(report_folder, c, result.label, ce,
                                                 config.preview_slices, outcome.preview_files));
    outcome.cases.push_back(std::move(ce));
  }
  outcome.overall = eval::summarize(all_rows);
  for (const auto& rows : class_rows) outcome.per_class.push_back(eval::summarize(rows));
  outcome.distance_unit = common_distance_unit(outcome.cases);
  if (outcome.distance_unit == "mixed")
    log.line("warning: some cases have a spacing and some do not; the means mix mm and voxels");

  EvaluationSummary summary{config.ckpt, config.test_list, outcome.cases, outcome.overall,
                            outcome.per_class, outcome.distance_unit};
  outcome.report_path = paths.text;
  outcome.csv_path = paths.csv;
  outcome.json_path = paths.json;
  if (!report_folder.empty()) fs::create_directories(report_folder);
  io::write_text_atomically(paths.text, evaluation_report_text(summary));
  io::write_text_atomically(paths.csv, evaluation_csv(summary));
  io::write_text_atomically(paths.json, evaluation_json(summary));
  log.line("mean ± std over %zu cases × %lld classes: %s", names.size(),
           (long long)(num_classes - 1),
           format_summary(outcome.overall, outcome.distance_unit).c_str());
  log.line("report written to %s (CSV %s, JSON %s)", paths.text.c_str(), paths.csv.c_str(),
           paths.json.c_str());
  if (write_previews) {
    const nlohmann::json listing = {
        {"legend", "grey: the scan (0.5th to 99.5th percentile of the slice); fill: predicted "
                   "class; green outline: ground truth; rows follow X, columns Y"},
        {"checkpoint", config.ckpt},
        {"cases", preview_list}};
    io::write_text_atomically((report_folder / kPreviewListing).string(), listing.dump(2) + "\n");
    log.line("%zu slice previews in %s", outcome.preview_files.size(),
             (report_folder / kPreviewFolder).c_str());
  }
  // A test of a training run's model completes that run's report.
  const fs::path folder = report_folder.empty() ? fs::path(".") : report_folder;
  if (fs::exists(config_json_path(folder.string())) &&
      fs::path(paths.json).filename() == "summary.json") {
    write_run_report(folder.string());
    log.line("report updated: %s", report_path(folder.string()).c_str());
  }
  return outcome;
}

}  // namespace semisam::ssl

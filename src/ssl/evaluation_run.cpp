// Testing a trained model: sliding-window predictions, metrics, report and NIfTI files.
#include "ssl/evaluation_run.h"

#include <filesystem>
#include <sstream>

#include "autograd/variable.h"
#include "io/atomic_file.h"
#include "io/dataset.h"
#include "io/nifti_io.h"
#include "io/split_list.h"
#include "kernels/precision.h"
#include "ssl/segmentation_checkpoint.h"
#include "ssl/sliding_window.h"
#include "tensor/device.h"

namespace semisam::ssl {
namespace {

std::string format_metrics(const eval::BinaryMetrics& m) {
  char text[128];
  std::snprintf(text, sizeof text, "dice %.4f  jaccard %.4f  hd95 %.2f  asd %.2f", m.dice,
                m.jaccard, m.hd95, m.asd);
  return text;
}

std::string format_summary(const eval::MetricSummary& s) {
  char text[192];
  std::snprintf(text, sizeof text,
                "dice %.4f ± %.4f  jaccard %.4f ± %.4f  hd95 %.2f ± %.2f  asd %.2f ± %.2f",
                s.mean.dice, s.std.dice, s.mean.jaccard, s.std.jaccard, s.mean.hd95, s.std.hd95,
                s.mean.asd, s.std.asd);
  return text;
}

}  // namespace

EvaluationOutcome run_evaluation(const EvaluationConfig& config, RunLog& log) {
  SEMISAM_CHECK(config.stride_xy >= 1 && config.stride_z >= 1, "--stride_xy and --stride_z must "
                "be >= 1, got ", config.stride_xy, " and ", config.stride_z);
  const Device device = parse_device(config.device);
  ops::MathModeGuard mode(ops::parse_math_mode(config.precision));
  // The list first: a wrong root should fail before the model is loaded.
  const std::vector<std::string> names =
      io::read_split_list(io::split_list_path(config.root_path, config.test_list));
  SegmentationModel model = load_segmentation_model(config.ckpt, device);
  const int64_t num_classes = config.num_classes > 0 ? config.num_classes : model.num_classes;
  SEMISAM_CHECK(num_classes == model.num_classes, "--num_classes ", num_classes,
                " differs from the ", model.num_classes, " classes of ", config.ckpt);
  SlidingWindowOptions window;
  window.patch = config.patch_size[0] > 0 ? config.patch_size : model.patch_size;
  window.stride = {config.stride_xy, config.stride_xy, config.stride_z};
  window.num_classes = num_classes;
  window.device = device;
  for (int axis = 0; axis < 3; ++axis)
    SEMISAM_CHECK(window.stride[size_t(axis)] <= window.patch[size_t(axis)], "--stride_xy ",
                  config.stride_xy, " / --stride_z ", config.stride_z,
                  " must not exceed the patch size ", window.patch[size_t(axis)],
                  " (windows would leave voxels unvisited)");
  log.line("testing %s (round %lld, iteration %lld) on %zu cases of %s, patch %lldx%lldx%lld, "
           "stride %lld/%lld, %s on %s", config.ckpt.c_str(), (long long)model.round,
           (long long)model.iteration, names.size(), config.test_list.c_str(),
           (long long)window.patch[0], (long long)window.patch[1], (long long)window.patch[2],
           (long long)config.stride_xy, (long long)config.stride_z, config.precision.c_str(),
           device.str().c_str());
  models::UNet3D& network = *model.network;
  Generator unused_dropout(0);  // evaluation mode: dropout draws nothing
  auto predictor = [&](const Tensor& patches) {
    ag::NoGradGuard no_grad;
    return network.forward(ag::Variable(patches), unused_dropout).seg.value();
  };
  if (!config.save_pred.empty()) std::filesystem::create_directories(config.save_pred);

  io::DatasetOptions data;
  data.image_key = config.image_key;
  data.binary_label = config.binary_label;
  data.num_classes = num_classes;
  EvaluationOutcome outcome;
  std::vector<eval::BinaryMetrics> all_rows;
  std::vector<std::vector<eval::BinaryMetrics>> class_rows(size_t(num_classes - 1));
  for (size_t i = 0; i < names.size(); ++i) {
    const double start = log.elapsed_seconds();
    io::Case c = io::load_case(config.root_path, names[i], data, io::LabelMode::Require);
    SlidingWindowResult result = sliding_window_predict(c.image, predictor, window);
    CaseEvaluation ce{c.name, eval::evaluate_classes(result.label, c.label, int(num_classes),
                                                      eval::EmptyMaskPolicy::TestReport)};
    for (size_t k = 0; k < ce.classes.size(); ++k) {
      all_rows.push_back(ce.classes[k]);
      class_rows[k].push_back(ce.classes[k]);
      log.line("[%zu/%zu] %s class %zu: %s (%.1f s)", i + 1, names.size(), c.name.c_str(), k + 1,
               format_metrics(ce.classes[k]).c_str(), log.elapsed_seconds() - start);
    }
    if (!config.save_pred.empty()) {
      const std::string base = config.save_pred + "/" + c.name;
      io::write_nifti_with_spacing(base + "_pred.nii.gz", result.label);
      io::write_nifti_with_spacing(base + "_img.nii.gz", c.image);
      io::write_nifti_with_spacing(base + "_gt.nii.gz", c.label);
    }
    outcome.cases.push_back(std::move(ce));
  }
  outcome.overall = eval::summarize(all_rows);
  for (const auto& rows : class_rows) outcome.per_class.push_back(eval::summarize(rows));

  std::ostringstream report;
  report << "checkpoint: " << config.ckpt << "\nlist: " << config.test_list << " ("
         << names.size() << " cases)\n\ncase,class,dice,jaccard,hd95,asd\n";
  report.precision(6);
  for (const CaseEvaluation& ce : outcome.cases)
    for (size_t k = 0; k < ce.classes.size(); ++k)
      report << ce.name << ',' << k + 1 << ',' << ce.classes[k].dice << ','
             << ce.classes[k].jaccard << ',' << ce.classes[k].hd95 << ',' << ce.classes[k].asd
             << '\n';
  report << "\nmean ± std over cases × classes: " << format_summary(outcome.overall) << '\n';
  for (size_t k = 0; k < outcome.per_class.size(); ++k)
    report << "class " << k + 1 << ": " << format_summary(outcome.per_class[k]) << '\n';
  outcome.report_path =
      config.report.empty()
          ? (std::filesystem::path(config.ckpt).parent_path() / "test_report.txt").string()
          : config.report;
  io::write_text_atomically(outcome.report_path, report.str());
  log.line("mean ± std over %zu cases × %lld classes: %s", names.size(),
           (long long)(num_classes - 1), format_summary(outcome.overall).c_str());
  log.line("report written to %s", outcome.report_path.c_str());
  return outcome;
}

}  // namespace semisam::ssl

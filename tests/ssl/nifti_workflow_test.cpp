// The NIfTI workflow end to end on the CPU: phantoms saved as an nnU-Net raw dataset with an
// oblique, x-flipped, anisotropic geometry → import → a short training run → predict → test.
// The outputs must carry the input's geometry, the distances must be in mm, and predict and test
// must give the same labels voxel for voxel.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/temp_dir.h"
#include "eval/class_metrics.h"
#include "io/dataset.h"
#include "io/nifti_dataset.h"
#include "io/nifti_geometry.h"
#include "io/nifti_import.h"
#include "io/nifti_io.h"
#include "io/phantom.h"
#include "ssl/inference/evaluation_run.h"
#include "ssl/inference/prediction_run.h"
#include "ssl/run/training_run.h"

namespace semisam {
namespace {

namespace fs = std::filesystem;

// The nibabel-made fixture's geometry (rotated about z and x, x flipped, 1.5 × 0.8 × 2.5 mm) on a
// volume of another size.
io::NiftiHeader oblique_header(const Shape& shape, io::NiftiDataType type) {
  const io::NiftiHeader source =
      io::read_nifti_header(std::string(SEMISAM_TEST_DATA_DIR) + "/geometry/oblique_0000.nii.gz");
  io::NiftiHeader h = io::nifti_header_new(shape, type);
  h.pixdim = source.pixdim;
  h.xyzt_units = source.xyzt_units;
  h.qform_code = source.qform_code;
  h.sform_code = source.sform_code;
  h.quatern_b = source.quatern_b;
  h.quatern_c = source.quatern_c;
  h.quatern_d = source.quatern_d;
  h.qoffset_x = source.qoffset_x;
  h.qoffset_y = source.qoffset_y;
  h.qoffset_z = source.qoffset_z;
  h.srow_x = source.srow_x;
  h.srow_y = source.srow_y;
  h.srow_z = source.srow_z;
  return h;
}

// 5 labelled training cases (4 train + 1 val after import) and 2 labelled test cases.
std::string write_nnunet_phantoms(const test::TempDir& dir) {
  io::PhantomOptions phantom;
  phantom.size = {32, 32, 24};
  phantom.seed = 7;
  const std::string raw = dir.file("Dataset101_Phantom");
  for (int64_t k = 0; k < 7; ++k) {
    io::PhantomCase c = io::generate_phantom_case(phantom, k);
    const std::string name = io::phantom_case_name(k);
    const bool test_case = k >= 5;
    const std::string images = raw + (test_case ? "/imagesTs/" : "/imagesTr/");
    const std::string labels = raw + (test_case ? "/labelsTs/" : "/labelsTr/");
    fs::create_directories(images);
    fs::create_directories(labels);
    io::write_nifti(images + name + "_0000.nii.gz", c.image,
                    oblique_header(c.image.shape(), io::NiftiDataType::Float32));
    io::write_nifti(labels + name + ".nii.gz", c.label,
                    oblique_header(c.label.shape(), io::NiftiDataType::UInt8));
  }
  std::ofstream(raw + "/dataset.json")
      << R"({"channel_names": {"0": "MRI"}, "labels": {"background": 0, "organ": 1}, "file_ending": ".nii.gz"})";
  return raw;
}

TEST(NiftiWorkflow, ImportTrainPredictTestKeepsGeometryAndAgrees) {
  test::TempDir dir;
  const std::string raw = write_nnunet_phantoms(dir);
  io::ImportOptions import;
  import.output_root = dir.file("root");
  import.val_count = 1;
  io::ImportResult imported = io::import_nifti_dataset(io::find_nnunet_dataset(raw), import);
  ASSERT_EQ(imported.train.size(), 4u);
  ASSERT_EQ(imported.val.size(), 1u);
  ASSERT_EQ(imported.test.size(), 2u);

  ssl::TrainConfig c;
  c.root_path = import.output_root;
  c.model_root = dir.file("model");
  c.exp = "nifti";
  c.backbone = "mt";
  c.max_iterations = 6;
  c.num_rounds = 1;
  c.patch_size = {32, 32, 32};
  c.base_filters = 2;
  c.sam_encoder = "tiny";
  c.sam_random_weights = true;
  c.sam_ckpt = "";
  c.val_interval = 3;
  c.save_interval = 6;
  c.val_stride = 16;
  c.pseudo_stride = 16;
  c.log_interval = 3;
  c.device = "cpu";
  c.precision = "fp32";
  ssl::TrainingOutcome trained = ssl::run_training(c, "nifti_workflow_test");
  ASSERT_TRUE(trained.finished);

  ssl::PredictionConfig predict;
  predict.ckpt = trained.final_checkpoint;
  predict.input = raw + "/imagesTs";
  predict.output = dir.file("predicted");
  predict.stride_xy = predict.stride_z = 16;
  predict.device = "auto";  // the CPU in this build and on this machine
  predict.precision = "fp32";
  ssl::RunLog log;
  ssl::PredictionOutcome predicted = ssl::run_prediction(predict, log);
  ASSERT_EQ(predicted.written, imported.test);

  ssl::EvaluationConfig test;
  test.root_path = import.output_root;
  test.ckpt = trained.final_checkpoint;
  test.stride_xy = test.stride_z = 16;
  test.device = "cpu";
  test.precision = "fp32";
  test.save_pred = dir.file("test_pred");
  test.report = dir.file("reports/test.txt");
  ssl::EvaluationOutcome evaluated = ssl::run_evaluation(test, log);
  EXPECT_EQ(evaluated.distance_unit, "mm");
  ASSERT_EQ(evaluated.cases.size(), 2u);

  for (const ssl::CaseEvaluation& ce : evaluated.cases) {
    const std::string image_path = raw + "/imagesTs/" + ce.name + "_0000.nii.gz";
    const io::NiftiHeader input = io::read_nifti_header(image_path);
    for (const std::string& path : {ssl::prediction_path(predict.output, ce.name),
                                    test.save_pred + "/" + ce.name + "_pred.nii.gz"}) {
      const io::NiftiHeader out = io::read_nifti_header(path);
      EXPECT_EQ(out.pixdim[0], input.pixdim[0]) << path;  // qfac
      for (size_t i = 1; i < 4; ++i) EXPECT_EQ(out.pixdim[i], input.pixdim[i]) << path;
      EXPECT_EQ(out.srow_x, input.srow_x) << path;
      EXPECT_EQ(out.srow_y, input.srow_y) << path;
      EXPECT_EQ(out.srow_z, input.srow_z) << path;
      EXPECT_EQ(out.qform_code, input.qform_code) << path;
      EXPECT_EQ(out.sform_code, input.sform_code) << path;
      EXPECT_EQ(out.quatern_b, input.quatern_b) << path;
      EXPECT_EQ(out.quatern_c, input.quatern_c) << path;
      EXPECT_EQ(out.quatern_d, input.quatern_d) << path;
      EXPECT_EQ(out.qoffset_x, input.qoffset_x) << path;
      EXPECT_EQ(io::orientation_codes(io::nifti_affine(out)), "LAS") << path;
    }
    // predict and test agree voxel for voxel.
    io::NiftiImage a = io::read_nifti(ssl::prediction_path(predict.output, ce.name), io::NiftiVoxels::UInt8);
    io::NiftiImage b = io::read_nifti(test.save_pred + "/" + ce.name + "_pred.nii.gz", io::NiftiVoxels::UInt8);
    ASSERT_EQ(a.voxels.shape(), b.voxels.shape());
    const uint8_t* av = a.voxels.data<uint8_t>();
    const uint8_t* bv = b.voxels.data<uint8_t>();
    int64_t differ = 0;
    for (int64_t v = 0; v < a.voxels.numel(); ++v) differ += av[v] != bv[v];
    EXPECT_EQ(differ, 0) << ce.name;

    // The reported distances are the mm ones (1.5 × 0.8 × 2.5), not voxel counts.
    EXPECT_EQ(ce.distance_unit, "mm");
    io::NiftiImage gt = io::read_nifti(raw + "/labelsTs/" + ce.name + ".nii.gz", io::NiftiVoxels::UInt8);
    const eval::Spacing mm{input.pixdim[1], input.pixdim[2], input.pixdim[3]};
    auto in_mm = eval::evaluate_classes(a.voxels, gt.voxels, 2, eval::EmptyMaskPolicy::TestReport, mm);
    auto in_voxels = eval::evaluate_classes(a.voxels, gt.voxels, 2, eval::EmptyMaskPolicy::TestReport);
    EXPECT_EQ(ce.classes[0].hd95, in_mm[0].hd95);
    EXPECT_EQ(ce.classes[0].asd, in_mm[0].asd);
    EXPECT_EQ(ce.classes[0].dice, in_mm[0].dice);
    if (in_voxels[0].asd > 0 && in_voxels[0].asd < 100) {
      EXPECT_NE(in_mm[0].asd, in_voxels[0].asd);
    }
  }

  // The report files name the unit; summary.json holds the cases and the summary.
  std::ifstream json_file(evaluated.json_path);
  nlohmann::json summary;
  json_file >> summary;
  EXPECT_EQ(evaluated.json_path, dir.file("reports/test.summary.json"));
  EXPECT_EQ(summary["distance_unit"], "mm");
  ASSERT_EQ(summary["cases"].size(), 2u);
  EXPECT_EQ(summary["cases"][0]["distance_unit"], "mm");
  EXPECT_DOUBLE_EQ(summary["cases"][0]["classes"]["1"]["hd95"].get<double>(),
                   evaluated.cases[0].classes[0].hd95);
  EXPECT_DOUBLE_EQ(summary["overall"]["mean"]["dice"].get<double>(), evaluated.overall.mean.dice);
  EXPECT_DOUBLE_EQ(summary["per_class"]["1"]["std"]["asd"].get<double>(), evaluated.per_class[0].std.asd);
  std::ifstream csv(evaluated.csv_path);
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "case,class,dice,jaccard,hd95,asd,distance_unit");
  std::ifstream text(evaluated.report_path);
  std::string report((std::istreambuf_iterator<char>(text)), std::istreambuf_iterator<char>());
  EXPECT_NE(report.find("distance unit (hd95, asd): mm"), std::string::npos) << report;
}

}  // namespace
}  // namespace semisam

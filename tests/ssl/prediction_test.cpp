// `predict`: inputs found and named as nnU-Net names them, outputs carrying their scan's geometry
// (checked against nibabel's reading of the fixtures), shards that cover every case once, skipped
// existing outputs, no half-written file after a kill, and bad cases reported and skipped.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "io/case_writer.h"
#include "io/nifti_geometry.h"
#include "io/nifti_io.h"
#include "ssl/inference/prediction_inputs.h"
#include "ssl/inference/prediction_run.h"
#include "tiny_checkpoint.h"

namespace semisam {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

const std::string kGeometryDir = std::string(SEMISAM_TEST_DATA_DIR) + "/geometry/";

ssl::PredictionConfig config_for(const std::string& ckpt, const std::string& input,
                                 const std::string& output) {
  ssl::PredictionConfig c;
  c.ckpt = ckpt;
  c.input = input;
  c.output = output;
  c.stride_xy = c.stride_z = 8;
  c.device = "cpu";
  c.precision = "fp32";
  return c;
}

std::set<std::string> outputs_in(const std::string& folder) {
  std::set<std::string> names;
  if (!fs::exists(folder)) return names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 7 && name.compare(name.size() - 7, 7, ".nii.gz") == 0) names.insert(name);
  }
  return names;
}

void copy_fixture(const std::string& fixture, const std::string& to) {
  fs::create_directories(fs::path(to).parent_path());
  fs::copy_file(kGeometryDir + fixture, to, fs::copy_options::overwrite_existing);
}

TEST(PredictionInputs, FilesFoldersAndListsWithNnunetNames) {
  TempDir dir;
  copy_fixture("oblique_0000.nii.gz", dir.file("in/b_0000.nii.gz"));
  copy_fixture("oblique_0000.nii.gz", dir.file("in/a.nii.gz"));
  io::write_case_file(dir.file("in/c.h5"), Tensor::zeros({4, 4, 4}, DType::Float32), Tensor());
  std::ofstream(dir.file("in/notes.txt")) << "not an image";
  std::vector<ssl::PredictionInput> found = ssl::find_prediction_inputs(dir.file("in"));
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].name, "a");
  EXPECT_EQ(found[1].name, "b");
  EXPECT_EQ(found[2].name, "c");
  EXPECT_EQ(ssl::find_prediction_inputs(dir.file("in/b_0000.nii.gz"))[0].name, "b");
  std::ofstream(dir.file("list.txt")) << "# cohort\nin/a.nii.gz\n\n" << dir.file("in/c.h5") << "\n";
  found = ssl::find_prediction_inputs(dir.file("list.txt"));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[1].path, dir.file("in/c.h5"));

  copy_fixture("oblique_0000.nii.gz", dir.file("in/b_0001.nii.gz"));
  EXPECT_ERROR_MENTIONS(ssl::find_prediction_inputs(dir.file("in")), "b_0001.nii.gz", "channel");
  copy_fixture("oblique_0000.nii.gz", dir.file("two/x.nii.gz"));
  copy_fixture("oblique_0000.nii.gz", dir.file("two/x_0000.nii.gz"));
  EXPECT_ERROR_MENTIONS(ssl::find_prediction_inputs(dir.file("two")), "case 'x'", "two inputs");
  EXPECT_ERROR_MENTIONS(ssl::find_prediction_inputs(dir.file("missing")), "missing");
  // The reference layout's HDF5 names are case names, suffix and all.
  fs::create_directories(dir.file("ref"));
  for (const char* name : {"phantom_0000.h5", "phantom_0001.h5"})
    io::write_case_file(dir.file(std::string("ref/") + name), Tensor::zeros({4, 4, 4}, DType::Float32), Tensor());
  found = ssl::find_prediction_inputs(dir.file("ref"));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].name, "phantom_0000");
  EXPECT_EQ(found[1].name, "phantom_0001");

  EXPECT_EQ(ssl::parse_shard("2/5").index, 2);
  EXPECT_EQ(ssl::parse_shard("2/5").count, 5);
  for (const char* bad : {"5/5", "1", "-1/2", "a/b", "1/0", "1/2x"})
    EXPECT_ERROR_MENTIONS(ssl::parse_shard(bad), "--shard", bad);
}

TEST(Prediction, OutputsCarryTheScanGeometryAsNibabelReadsIt) {
  TempDir dir;
  test::write_tiny_checkpoint(dir.file("tiny.h5"));
  copy_fixture("oblique_0000.nii.gz", dir.file("in/oblique_0000.nii.gz"));
  copy_fixture("qform_only_0000.nii.gz", dir.file("in/qform_only_0000.nii.gz"));
  ssl::PredictionConfig c = config_for(dir.file("tiny.h5"), dir.file("in"), dir.file("out"));
  c.save_probabilities = c.save_uncertainty = true;
  ssl::RunLog log;
  ssl::PredictionOutcome outcome = ssl::run_prediction(c, log);
  EXPECT_EQ(outcome.written, (std::vector<std::string>{"oblique", "qform_only"}));
  EXPECT_TRUE(outcome.failed.empty());

  std::ifstream in(kGeometryDir + "expected.json");
  nlohmann::json expected;
  in >> expected;
  for (const std::string name : {"oblique", "qform_only"}) {
    const nlohmann::json& want = expected[name + "_0000.nii.gz"];
    for (const std::string& path : {ssl::prediction_path(c.output, name),
                                    ssl::probabilities_path(c.output, name),
                                    ssl::uncertainty_path(c.output, name)}) {
      io::NiftiHeader h = io::read_nifti_header(path);
      EXPECT_EQ(h.qform_code, want["qform_code"].get<int>()) << path;
      EXPECT_EQ(h.sform_code, want["sform_code"].get<int>()) << path;
      for (size_t i = 0; i < 4; ++i)
        EXPECT_EQ(h.pixdim[i], float(want["pixdim"][i].get<double>())) << path << " pixdim " << i;
      io::Affine affine = io::nifti_affine(h);
      for (size_t r = 0; r < 4; ++r)
        for (size_t k = 0; k < 4; ++k)
          EXPECT_NEAR(affine[r][k], want["affine"][r][k].get<double>(), 1e-5) << path;
      EXPECT_EQ(io::orientation_codes(affine), want["axcodes"].get<std::string>()) << path;
    }
    io::NiftiImage labels = io::read_nifti(ssl::prediction_path(c.output, name), io::NiftiVoxels::UInt8);
    EXPECT_EQ(labels.stored_type(), io::NiftiDataType::UInt8);
    EXPECT_EQ(labels.voxels.shape(), (Shape{20, 18, 12}));
    io::NiftiImage p = io::read_nifti(ssl::probabilities_path(c.output, name));
    ASSERT_EQ(p.voxels.shape(), (Shape{20, 18, 12, 2}));
    io::NiftiImage u = io::read_nifti(ssl::uncertainty_path(c.output, name));
    ASSERT_EQ(u.voxels.shape(), (Shape{20, 18, 12}));
    // Probabilities sum to 1, the label is their argmax, the entropy is that of the two values.
    const float* pv = p.voxels.data<float>();
    const float* uv = u.voxels.data<float>();
    const uint8_t* lv = labels.voxels.data<uint8_t>();
    for (int64_t v = 0; v < labels.voxels.numel(); ++v) {
      const float p0 = pv[v * 2], p1 = pv[v * 2 + 1];
      ASSERT_NEAR(p0 + p1, 1.0f, 1e-5f);
      if (p0 != p1) {
        ASSERT_EQ(lv[v], p1 > p0 ? 1 : 0) << v;
      }
      const double q0 = p0 / (p0 + p1 + 1e-8), q1 = p1 / (p0 + p1 + 1e-8);
      ASSERT_NEAR(uv[v], -(q0 * std::log(q0 + 1e-8) + q1 * std::log(q1 + 1e-8)), 1e-5);
    }
  }
}

TEST(Prediction, TwoShardsCoverEveryCaseOnceAndASecondRunSkipsWhatExists) {
  TempDir dir;
  test::write_tiny_checkpoint(dir.file("tiny.h5"));
  std::set<std::string> all;
  for (int k = 0; k < 5; ++k) {
    const std::string name = "case" + std::to_string(k);
    copy_fixture("oblique_0000.nii.gz", dir.file("in/" + name + "_0000.nii.gz"));
    all.insert(name);
  }
  ssl::RunLog log;
  std::multiset<std::string> predicted;
  for (const char* shard : {"0/2", "1/2"}) {
    ssl::PredictionConfig c = config_for(dir.file("tiny.h5"), dir.file("in"), dir.file("out"));
    c.shard = shard;
    ssl::PredictionOutcome outcome = ssl::run_prediction(c, log);
    EXPECT_TRUE(outcome.already_done.empty()) << shard;
    predicted.insert(outcome.written.begin(), outcome.written.end());
  }
  EXPECT_EQ(predicted.size(), all.size());
  EXPECT_EQ(std::set<std::string>(predicted.begin(), predicted.end()), all);
  std::set<std::string> files;
  for (const auto& name : all) files.insert(name + ".nii.gz");
  EXPECT_EQ(outputs_in(dir.file("out")), files);

  ssl::PredictionConfig again = config_for(dir.file("tiny.h5"), dir.file("in"), dir.file("out"));
  ssl::PredictionOutcome second = ssl::run_prediction(again, log);
  EXPECT_TRUE(second.written.empty());
  EXPECT_EQ(second.already_done.size(), all.size());
  again.overwrite = true;
  again.shard = "1/2";
  EXPECT_EQ(ssl::run_prediction(again, log).written.size(), 2u);  // cases 1 and 3
}

TEST(Prediction, AKilledRunLeavesNoHalfWrittenFileAndResumes) {
  TempDir dir;
  test::write_tiny_checkpoint(dir.file("tiny.h5"));
  // Cases large enough (48³, 125 windows each) that the run is still going when it is killed.
  const int cases = 4;
  fs::create_directories(dir.file("in"));
  for (int k = 0; k < cases; ++k) {
    Tensor image = Tensor::empty({48, 48, 48}, DType::Float32);
    float* v = image.data<float>();
    for (int64_t i = 0; i < image.numel(); ++i) v[i] = float((i * 7919 + k * 31) % 1000) / 500.0f - 1.0f;
    io::write_nifti_with_spacing(dir.file("in/big" + std::to_string(k) + ".nii.gz"), image, {1.2, 1.2, 3.0});
  }
  ssl::PredictionConfig c = config_for(dir.file("tiny.h5"), dir.file("in"), dir.file("out"));
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      ssl::RunLog quiet("", false);
      ssl::run_prediction(c, quiet);
    } catch (...) {
    }
    _exit(0);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (outputs_in(c.output).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";
  const std::set<std::string> before = outputs_in(c.output);
  ASSERT_GE(before.size(), 1u);
  ASSERT_LT(before.size(), size_t(cases));
  // Every file with an output's name is complete.
  for (const auto& name : before)
    EXPECT_EQ(io::read_nifti(c.output + "/" + name, io::NiftiVoxels::UInt8).voxels.shape(),
              (Shape{48, 48, 48})) << name;

  ssl::RunLog log;
  ssl::PredictionOutcome resumed = ssl::run_prediction(c, log);
  EXPECT_EQ(resumed.already_done.size(), before.size());
  EXPECT_EQ(resumed.written.size(), cases - before.size());
  EXPECT_EQ(outputs_in(c.output).size(), size_t(cases));
}

TEST(Prediction, BadCasesAreNamedAndSkippedWhileTheRunGoesOn) {
  TempDir dir;
  test::write_tiny_checkpoint(dir.file("tiny.h5"));
  copy_fixture("oblique_0000.nii.gz", dir.file("in/good.nii.gz"));
  copy_fixture("four_d.nii.gz", dir.file("in/fourd.nii.gz"));
  Tensor with_nan = Tensor::zeros({16, 16, 16}, DType::Float32);
  with_nan.data<float>()[100] = std::numeric_limits<float>::quiet_NaN();
  io::write_nifti_with_spacing(dir.file("in/nan.nii.gz"), with_nan);
  std::ifstream src(kGeometryDir + "oblique_0000.nii.gz", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(src)), std::istreambuf_iterator<char>());
  std::ofstream(dir.file("in/cut.nii.gz"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  {
    io::h5::File flat = io::h5::File::create(dir.file("in/flat.h5"));
    flat.root().write_tensor("image", Tensor::zeros({16, 16}, DType::Float32));
    flat.close();
  }

  ssl::RunLog log;
  ssl::PredictionOutcome outcome =
      ssl::run_prediction(config_for(dir.file("tiny.h5"), dir.file("in"), dir.file("out")), log);
  EXPECT_EQ(outcome.written, (std::vector<std::string>{"good"}));
  ASSERT_EQ(outcome.failed.size(), 4u);
  std::map<std::string, std::string> why(outcome.failed.begin(), outcome.failed.end());
  EXPECT_NE(why["fourd"].find("fourd.nii.gz"), std::string::npos) << why["fourd"];
  EXPECT_NE(why["fourd"].find("4-D"), std::string::npos) << why["fourd"];
  EXPECT_NE(why["nan"].find("nan.nii.gz"), std::string::npos) << why["nan"];
  EXPECT_NE(why["nan"].find("NaN"), std::string::npos) << why["nan"];
  EXPECT_NE(why["cut"].find("cut.nii.gz"), std::string::npos) << why["cut"];
  EXPECT_NE(why["flat"].find("flat.h5"), std::string::npos) << why["flat"];
  EXPECT_NE(why["flat"].find("not 3-D"), std::string::npos) << why["flat"];
  EXPECT_EQ(outputs_in(dir.file("out")), (std::set<std::string>{"good.nii.gz"}));
}

}  // namespace
}  // namespace semisam

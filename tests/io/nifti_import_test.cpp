// NIfTI datasets: geometry read as nibabel reads it (tests/data/geometry, made by
// tests/fixtures/make_geometry_fixtures.py), geometry kept through HDF5 attributes, nnU-Net and
// folder layouts found, imports that write the reference layout, and bad inputs named.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "io/case_writer.h"
#include "io/dataset.h"
#include "io/h5_file.h"
#include "io/intensity.h"
#include "io/nifti_dataset.h"
#include "io/nifti_geometry.h"
#include "io/nifti_import.h"
#include "io/scan_geometry.h"
#include "io/split_list.h"

namespace semisam::io {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

const std::string kGeometryDir = std::string(SEMISAM_TEST_DATA_DIR) + "/geometry/";

nlohmann::json expected_geometry(const std::string& file) {
  std::ifstream in(kGeometryDir + "expected.json");
  nlohmann::json all;
  in >> all;
  return all.at(file);
}

void expect_affine_near(const Affine& got, const nlohmann::json& want, double tolerance,
                        const std::string& what) {
  for (size_t r = 0; r < 4; ++r)
    for (size_t c = 0; c < 4; ++c)
      EXPECT_NEAR(got[r][c], want[r][c].get<double>(), tolerance) << what << " [" << r << "][" << c << "]";
}

void copy_file(const std::string& from, const std::string& to) {
  fs::create_directories(fs::path(to).parent_path());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

TEST(NiftiGeometry, AffineAndOrientationAgreeWithNibabel) {
  for (const char* file : {"oblique_0000.nii.gz", "qform_only_0000.nii.gz", "shifted_label.nii.gz"}) {
    const nlohmann::json want = expected_geometry(file);
    NiftiHeader h = read_nifti_header(kGeometryDir + file);
    // float32 header fields: nibabel's double affine differs in the last float digits.
    expect_affine_near(nifti_affine(h), want["affine"], 1e-5, file);
    EXPECT_EQ(orientation_codes(nifti_affine(h)), want["axcodes"].get<std::string>()) << file;
  }
  // The qform alone (qfac -1) must give nibabel's qform: the quaternion path, not the sform.
  NiftiHeader q = read_nifti_header(kGeometryDir + "qform_only_0000.nii.gz");
  ASSERT_EQ(q.sform_code, 0);
  EXPECT_LT(q.pixdim[0], 0);
  expect_affine_near(nifti_affine(q), expected_geometry("qform_only_0000.nii.gz")["qform"], 1e-5, "qform");
}

TEST(NiftiGeometry, HdfAttributesGiveTheHeaderGeometryBackExactly) {
  TempDir dir;
  NiftiImage image = read_nifti(kGeometryDir + "oblique_0000.nii.gz");
  const std::string path = dir.file("case.h5");
  write_case_file(path, image.voxels, Tensor(), "image", "label", [&](const h5::Group& root) {
    write_geometry_attributes(root, image.header, "oblique_0000.nii.gz");
  });
  Case c = load_image_file(path, "case");
  ASSERT_TRUE(c.geometry.has_nifti());
  ASSERT_TRUE(c.geometry.has_spacing());
  const NiftiHeader& g = *c.geometry.nifti;
  EXPECT_EQ(g.pixdim, image.header.pixdim);
  EXPECT_EQ(g.srow_x, image.header.srow_x);
  EXPECT_EQ(g.srow_y, image.header.srow_y);
  EXPECT_EQ(g.srow_z, image.header.srow_z);
  EXPECT_EQ(g.qform_code, image.header.qform_code);
  EXPECT_EQ(g.sform_code, image.header.sform_code);
  EXPECT_EQ(g.quatern_b, image.header.quatern_b);
  EXPECT_EQ(g.quatern_d, image.header.quatern_d);
  EXPECT_EQ(g.qoffset_x, image.header.qoffset_x);
  EXPECT_EQ(g.xyzt_units, image.header.xyzt_units);
  std::array<double, 3> spacing = *c.geometry.spacing;
  EXPECT_NEAR(spacing[0], 1.5, 1e-6);
  EXPECT_NEAR(spacing[1], 0.8, 1e-6);
  EXPECT_NEAR(spacing[2], 2.5, 1e-6);
  h5::File file = h5::File::open(path);
  EXPECT_EQ(file.root().string_attribute("orientation"),
            expected_geometry("oblique_0000.nii.gz")["axcodes"].get<std::string>());

  // A NIfTI written from the case carries the source's geometry field for field.
  write_nifti_with_geometry(dir.file("out.nii.gz"), c.image, c.geometry);
  NiftiHeader out = read_nifti_header(dir.file("out.nii.gz"));
  EXPECT_EQ(out.pixdim, image.header.pixdim);
  EXPECT_EQ(out.srow_x, image.header.srow_x);
  EXPECT_EQ(out.qform_code, image.header.qform_code);
  EXPECT_EQ(out.quatern_c, image.header.quatern_c);
  expect_affine_near(nifti_affine(out), expected_geometry("oblique_0000.nii.gz")["affine"], 1e-5, "out");
}

TEST(NiftiGeometry, PlainReferenceFilesHaveNoGeometryAndASpacingAttributeIsHonoured) {
  TempDir dir;
  Tensor image = Tensor::zeros({4, 5, 6}, DType::Float32);
  write_case_file(dir.file("plain.h5"), image, Tensor());
  Case plain = load_image_file(dir.file("plain.h5"), "plain");
  EXPECT_FALSE(plain.geometry.has_spacing());
  EXPECT_FALSE(plain.geometry.has_nifti());
  EXPECT_STREQ(plain.geometry.distance_unit(), "voxels");

  write_case_file(dir.file("spaced.h5"), image, Tensor(), "image", "label",
                  [](const h5::Group& root) { root.set_double_array_attribute("spacing", {0.625, 0.625, 2.5}); });
  Case spaced = load_image_file(dir.file("spaced.h5"), "spaced");
  ASSERT_TRUE(spaced.geometry.has_spacing());
  EXPECT_EQ(*spaced.geometry.spacing, (std::array<double, 3>{0.625, 0.625, 2.5}));
  EXPECT_STREQ(spaced.geometry.distance_unit(), "mm");

  write_case_file(dir.file("bad.h5"), image, Tensor(), "image", "label",
                  [](const h5::Group& root) { root.set_double_array_attribute("spacing", {1, -1, 1}); });
  EXPECT_ERROR_MENTIONS(load_image_file(dir.file("bad.h5"), "bad"), "bad.h5", "spacing");
}

// An nnU-Net raw dataset of the fixture scan: two labelled training cases, one unlabelled, one
// labelled test case.
std::string write_nnunet(const TempDir& dir) {
  const std::string raw = dir.file("Dataset001_Test");
  for (const char* name : {"a", "b", "c"})
    copy_file(kGeometryDir + "oblique_0000.nii.gz", raw + "/imagesTr/" + name + "_0000.nii.gz");
  for (const char* name : {"a", "b"})
    copy_file(kGeometryDir + "oblique_label.nii.gz", raw + "/labelsTr/" + name + ".nii.gz");
  copy_file(kGeometryDir + "oblique_0000.nii.gz", raw + "/imagesTs/t_0000.nii.gz");
  copy_file(kGeometryDir + "oblique_label.nii.gz", raw + "/labelsTs/t.nii.gz");
  std::ofstream(raw + "/dataset.json")
      << R"({"channel_names": {"0": "CT"}, "labels": {"background": 0, "ball": 1}, "file_ending": ".nii.gz"})";
  return raw;
}

TEST(NiftiImport, NnunetLayoutBecomesTheReferenceLayoutWithGeometry) {
  TempDir dir;
  const std::string raw = write_nnunet(dir);
  NiftiDatasetFiles files = find_nnunet_dataset(raw);
  ASSERT_EQ(files.training.size(), 3u);
  EXPECT_EQ(files.training[0].name, "a");
  EXPECT_FALSE(files.training[0].label.empty());
  EXPECT_TRUE(files.training[2].label.empty());
  ASSERT_EQ(files.testing.size(), 1u);

  ImportOptions options;
  options.output_root = dir.file("root");
  options.val_count = 1;
  ImportResult result = import_nifti_dataset(files, options);
  EXPECT_EQ(result.written, 4);
  EXPECT_EQ(result.train, (std::vector<std::string>{"a", "c"}));  // labelled first
  EXPECT_EQ(result.val, (std::vector<std::string>{"b"}));
  EXPECT_EQ(result.test, (std::vector<std::string>{"t"}));
  EXPECT_EQ(read_split_list(options.output_root + "/train.txt"), result.train);
  EXPECT_EQ(read_split_list(options.output_root + "/test.txt"), result.test);

  // Axis order: NIfTI voxel (i, j, k) is element [i][j][k] of the HDF5 arrays; images are
  // z-score normalised by default.
  NiftiImage source = read_nifti(kGeometryDir + "oblique_0000.nii.gz");
  zscore_normalize(source.voxels, "source");
  NiftiImage label = read_nifti(kGeometryDir + "oblique_label.nii.gz", NiftiVoxels::UInt8);
  DatasetOptions data;
  Case a = load_case(options.output_root, "a", data);
  ASSERT_EQ(a.image.shape(), (Shape{20, 18, 12}));
  const float* img = a.image.data<float>();
  const float* src = source.voxels.data<float>();
  for (int64_t v = 0; v < a.image.numel(); ++v) ASSERT_EQ(img[v], src[v]) << v;
  const uint8_t* lab = a.label.data<uint8_t>();
  for (int64_t v = 0; v < a.label.numel(); ++v) ASSERT_EQ(lab[v], label.voxels.data<uint8_t>()[v]);
  // The ball's centre (9, 8, 6) in the generator's (x, y, z) indexing is labelled.
  EXPECT_EQ(lab[(9 * 18 + 8) * 12 + 6], 1);
  EXPECT_EQ(lab[0], 0);
  ASSERT_TRUE(a.geometry.has_nifti());
  EXPECT_EQ(a.geometry.nifti->srow_y, source.header.srow_y);
  EXPECT_EQ(h5::File::open(case_path(options.output_root, "a")).root().string_attribute("normalization"),
            "zscore");

  // A second import keeps what exists.
  ImportResult again = import_nifti_dataset(files, options);
  EXPECT_EQ(again.written, 0);
  EXPECT_EQ(again.kept, 4);
}

TEST(NiftiImport, ImageFolderWithOptionalLabels) {
  TempDir dir;
  copy_file(kGeometryDir + "oblique_0000.nii.gz", dir.file("images/p1.nii.gz"));
  copy_file(kGeometryDir + "qform_only_0000.nii.gz", dir.file("images/p2_0000.nii.gz"));
  copy_file(kGeometryDir + "oblique_label.nii.gz", dir.file("labels/p1.nii.gz"));
  NiftiDatasetFiles files = find_image_folder(dir.file("images"), dir.file("labels"));
  ASSERT_EQ(files.training.size(), 2u);
  EXPECT_EQ(files.training[0].name, "p1");
  EXPECT_EQ(files.training[1].name, "p2");
  EXPECT_FALSE(files.training[0].label.empty());
  EXPECT_TRUE(files.training[1].label.empty());
  ImportOptions options;
  options.output_root = dir.file("root");
  options.normalization = Normalization::None;
  ImportResult result = import_nifti_dataset(files, options);
  EXPECT_EQ(result.train, (std::vector<std::string>{"p1", "p2"}));
  EXPECT_TRUE(result.val.empty());
  Case p2 = load_case(options.output_root, "p2", DatasetOptions{}, LabelMode::IfPresent);
  EXPECT_FALSE(p2.has_label());
  ASSERT_TRUE(p2.geometry.has_nifti());
  EXPECT_EQ(p2.geometry.nifti->qform_code, 1);
  EXPECT_EQ(p2.geometry.nifti->sform_code, 0);
  // Stored as read (scl_slope 0.01 applied), without normalisation.
  NiftiImage source = read_nifti(kGeometryDir + "qform_only_0000.nii.gz");
  for (int64_t v = 0; v < p2.image.numel(); ++v)
    ASSERT_EQ(p2.image.data<float>()[v], source.voxels.data<float>()[v]) << v;
}

TEST(NiftiImport, BadInputsAreNamedWithTheirProblem) {
  TempDir dir;
  // A 4-D image.
  copy_file(kGeometryDir + "four_d.nii.gz", dir.file("four/x_0000.nii.gz"));
  EXPECT_ERROR_MENTIONS(read_nifti_scan(dir.file("four/x_0000.nii.gz")), "x_0000.nii.gz", "4-D",
                        "3-D");
  ImportOptions options;
  options.output_root = dir.file("root_four");
  EXPECT_ERROR_MENTIONS(import_nifti_dataset(find_image_folder(dir.file("four")), options),
                        "x_0000.nii.gz", "4-D");

  // A label on another grid.
  copy_file(kGeometryDir + "oblique_0000.nii.gz", dir.file("shift/images/s.nii.gz"));
  copy_file(kGeometryDir + "shifted_label.nii.gz", dir.file("shift/labels/s.nii.gz"));
  options.output_root = dir.file("root_shift");
  EXPECT_ERROR_MENTIONS(
      import_nifti_dataset(find_image_folder(dir.file("shift/images"), dir.file("shift/labels")),
                           options),
      "labels/s.nii.gz", "geometry differs", "images/s.nii.gz");
  EXPECT_FALSE(fs::exists(dir.file("root_shift/data/s.h5")));

  // A truncated gzip stream.
  std::ifstream in(kGeometryDir + "oblique_0000.nii.gz", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::create_directories(dir.file("cut"));
  std::ofstream(dir.file("cut/t.nii.gz"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  const std::string message = test::error_of([&] { read_nifti_scan(dir.file("cut/t.nii.gz")); });
  EXPECT_NE(message.find("cut/t.nii.gz"), std::string::npos) << message;
  EXPECT_TRUE(message.find("truncated") != std::string::npos ||
              message.find("corrupt") != std::string::npos) << message;

  // A second channel, and a dataset.json with two channels.
  const std::string raw = write_nnunet(dir);
  copy_file(kGeometryDir + "oblique_0000.nii.gz", raw + "/imagesTr/a_0001.nii.gz");
  EXPECT_ERROR_MENTIONS(find_nnunet_dataset(raw), "a_0001.nii.gz", "single-channel");
  fs::remove(raw + "/imagesTr/a_0001.nii.gz");
  std::ofstream(raw + "/dataset.json") << R"({"channel_names": {"0": "T1", "1": "T2"}})";
  EXPECT_ERROR_MENTIONS(find_nnunet_dataset(raw), "dataset.json", "2 channels");
  EXPECT_ERROR_MENTIONS(find_nnunet_dataset(dir.file("nothing")), "nothing", "imagesTr");
  // Values of the wrong JSON type (found by fuzz_nnunet_json: nlohmann's type_error escaped as a
  // foreign exception and ended the fuzzer), and a dataset.json that is not an object.
  std::ofstream(raw + "/dataset.json") << R"({"file_ending": 0})";
  EXPECT_ERROR_MENTIONS(find_nnunet_dataset(raw), "dataset.json", "'file_ending' is a number",
                        "expected a string");
  std::ofstream(raw + "/dataset.json") << R"(["channel_names"])";
  EXPECT_ERROR_MENTIONS(find_nnunet_dataset(raw), "dataset.json",
                        "expected a JSON object, found array");
}

TEST(NiftiImport, ZScoreNormalisation) {
  Tensor v = Tensor::from_vector(std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2});
  zscore_normalize(v, "v");
  // mean 4.5, population std sqrt(5.25)
  EXPECT_FLOAT_EQ(v.data<float>()[0], float((1 - 4.5) / std::sqrt(5.25)));
  EXPECT_FLOAT_EQ(v.data<float>()[7], float((8 - 4.5) / std::sqrt(5.25)));
  Tensor flat = Tensor::zeros({2, 2, 2}, DType::Float32);
  EXPECT_ERROR_MENTIONS(zscore_normalize(flat, "flat.nii.gz"), "flat.nii.gz", "constant");
  EXPECT_EQ(parse_normalization("none", "--normalize"), Normalization::None);
  EXPECT_ERROR_MENTIONS(parse_normalization("minmax", "--normalize"), "--normalize", "minmax");
}

TEST(NiftiImport, CaseNamesFollowNnunet) {
  EXPECT_EQ(case_name_of("/x/la_003_0000.nii.gz"), "la_003");
  EXPECT_EQ(case_name_of("la_003.nii.gz"), "la_003");
  EXPECT_EQ(case_name_of("la_003.nii"), "la_003");
  EXPECT_EQ(case_name_of("/d/data/case7.h5"), "case7");
  EXPECT_EQ(case_name_of("/d/data/phantom_0000.h5"), "phantom_0000");  // HDF5: no channel suffix
  EXPECT_EQ(case_name_of("p_0001.nii.gz"), "p_0001");  // not channel 0: part of the name
}

}  // namespace
}  // namespace semisam::io

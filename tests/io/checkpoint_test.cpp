// Tests of checkpoints: exact round trip of tensors and resume metadata, the checks a loader
// makes (format version, architecture, names and shapes), atomic replacement, and damaged files.
#include <gtest/gtest.h>

#include <cstring>

#include "common/error_text.h"
#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/h5_file.h"
#include "common/temp_dir.h"

namespace semisam::io {
namespace {

using test::TempDir;

using semisam::test::error_of;

Tensor ramp(const Shape& shape, float start) {
  std::vector<float> values(size_t(shape_numel(shape)));
  for (size_t i = 0; i < values.size(); ++i) values[i] = start + 0.5f * float(i);
  return Tensor::from_vector(values, shape);
}

Checkpoint sample_checkpoint() {
  Checkpoint c;
  c.architecture = "unet_3D";
  c.hyper_parameters = {{"in_channels", "1"}, {"num_classes", "2"}, {"filters", "16,32,64,128,256"}};
  c.info = {{"backbone", "uamt"}, {"precision", "tf32"}};
  c.round = 2;
  c.iteration = 12345;
  c.best_dice = 0.91234567890123;
  c.command_line = "semisam train --root_path ../data/LA --backbone uamt";
  // Names deliberately out of alphabetical order: the state-dict order must survive.
  c.tensors[kParamsGroup] = {{"conv1.conv1.0.weight", ramp({4, 1, 3, 3, 3}, 1.f)},
                             {"conv1.conv1.0.bias", ramp({4}, -2.f)},
                             {"final.weight", ramp({2, 4, 1, 1, 1}, 0.25f)}};
  c.tensors[kTeacherGroup] = {{"conv1.conv1.0.weight", ramp({4, 1, 3, 3, 3}, 9.f)}};
  c.tensors[kOptimizerGroup] = {{"momentum.conv1.conv1.0.weight", ramp({4, 1, 3, 3, 3}, -1.f)},
                                {"step", Tensor::from_vector<int64_t>({12345}, {})}};
  c.tensors["sampler"] = {{"labelled_order", Tensor::from_vector<int64_t>({3, 0, 2, 1}, {4})},
                          {"half", Tensor::from_vector<float16>({float16(0.5f)}, {1})}};
  c.rng["data"] = {1337, 987654321};
  c.rng["dropout"] = {1338, 18446744073709551615ull};
  return c;
}

std::map<std::string, Shape> expected_params() {
  return {{"conv1.conv1.0.weight", {4, 1, 3, 3, 3}}, {"conv1.conv1.0.bias", {4}},
          {"final.weight", {2, 4, 1, 1, 1}}};
}

void expect_same_tensors(const TensorList& a, const TensorList& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].tensor.shape(), b[i].tensor.shape());
    EXPECT_EQ(a[i].tensor.dtype(), b[i].tensor.dtype());
    ASSERT_EQ(a[i].tensor.nbytes(), b[i].tensor.nbytes());
    EXPECT_EQ(0, std::memcmp(a[i].tensor.data_ptr(), b[i].tensor.data_ptr(), a[i].tensor.nbytes()))
        << a[i].name;
  }
}

TEST(Checkpoint, RoundTripsEverything) {
  TempDir dir;
  std::string path = dir.file("round2_best.h5");
  Checkpoint written = sample_checkpoint();
  write_checkpoint(path, written);
  Checkpoint read = load_checkpoint(path, "unet_3D", expected_params());
  EXPECT_EQ(read.format_version, kCheckpointFormatVersion);
  EXPECT_EQ(read.architecture, written.architecture);
  EXPECT_EQ(read.hyper_parameters, written.hyper_parameters);
  EXPECT_EQ(read.info, written.info);
  EXPECT_EQ(read.round, 2);
  EXPECT_EQ(read.iteration, 12345);
  EXPECT_EQ(read.best_dice, written.best_dice);
  EXPECT_EQ(read.command_line, written.command_line);
  EXPECT_EQ(read.rng, written.rng);
  ASSERT_EQ(read.tensors.size(), written.tensors.size());
  for (const auto& [group, tensors] : written.tensors) expect_same_tensors(read.tensors[group], tensors);
  ASSERT_NE(find_tensor(read.tensors[kParamsGroup], "final.weight"), nullptr);
  EXPECT_EQ(find_tensor(read.tensors[kParamsGroup], "nope"), nullptr);

  Checkpoint metadata = read_checkpoint(path, false);
  EXPECT_EQ(metadata.iteration, 12345);
  EXPECT_TRUE(metadata.tensors[kParamsGroup].empty());
  EXPECT_EQ(metadata.tensors.count(kTeacherGroup), 1u);
}

TEST(Checkpoint, StateDictNamesAreDatasetsUnderTheirGroup) {
  TempDir dir;
  std::string path = dir.file("c.h5");
  write_checkpoint(path, sample_checkpoint());
  h5::File file = h5::File::open(path);
  h5::Group root = file.root();
  EXPECT_TRUE(root.has_dataset("params/conv1.conv1.0.weight"));
  EXPECT_EQ(root.open_dataset("params/conv1.conv1.0.weight").shape(), (Shape{4, 1, 3, 3, 3}));
  EXPECT_EQ(root.string_attribute("architecture"), "unet_3D");
}

TEST(Checkpoint, ShapeCheckListsMissingExtraAndWrongShapes) {
  TensorList tensors = {{"a", Tensor::zeros({2, 3}, DType::Float32)},
                        {"b", Tensor::zeros({4}, DType::Float32)},
                        {"extra.weight", Tensor::zeros({1}, DType::Float32)}};
  std::map<std::string, Shape> expected = {{"a", {2, 3}}, {"b", {5}}, {"missing.bias", {7}}};
  EXPECT_ERROR_MENTIONS(check_tensor_shapes(tensors, expected, "ckpt.h5, group 'params'"),
                        "ckpt.h5, group 'params'", "1 missing: 'missing.bias' [7]",
                        "1 unexpected: 'extra.weight' [1]",
                        "1 with the wrong shape: 'b' expected [5], found [4]");
  EXPECT_NO_THROW(check_tensor_shapes(tensors, {{"a", {2, 3}}, {"b", {4}}, {"extra.weight", {1}}},
                                      "x"));
}

TEST(Checkpoint, LoaderRejectsOtherArchitecturesAndShapes) {
  TempDir dir;
  std::string path = dir.file("c.h5");
  write_checkpoint(path, sample_checkpoint());
  EXPECT_ERROR_MENTIONS(load_checkpoint(path, "unet_3D_sdf", expected_params()), path,
                        "'unet_3D' model", "expected 'unet_3D_sdf'");
  auto wrong = expected_params();
  wrong["final.weight"] = {3, 4, 1, 1, 1};
  wrong.erase("conv1.conv1.0.bias");
  EXPECT_ERROR_MENTIONS(load_checkpoint(path, "unet_3D", wrong), path,
                        "'final.weight' expected [3, 4, 1, 1, 1], found [2, 4, 1, 1, 1]",
                        "unexpected: 'conv1.conv1.0.bias' [4]");
  CheckpointExpectation expectation{"unet_3D", {{"discriminator", {}}}};
  EXPECT_ERROR_MENTIONS(load_checkpoint(path, expectation), path, "no tensor group 'discriminator'");
}

TEST(Checkpoint, FormatVersionAndForeignFilesAreChecked) {
  TempDir dir;
  std::string path = dir.file("c.h5");
  write_checkpoint(path, sample_checkpoint());
  {
    h5::File file = h5::File::open(path, h5::File::Mode::ReadWrite);
    file.root().set_attribute("format_version", int64_t(99));
    file.close();
  }
  EXPECT_ERROR_MENTIONS(read_checkpoint(path), path, "format version 99", "versions 1 to 1");
  std::string plain = dir.file("plain.h5");
  {
    h5::File file = h5::File::create(plain);
    file.root().write_tensor("image", Tensor::zeros({2, 2, 2}, DType::Float32));
    file.close();
  }
  EXPECT_ERROR_MENTIONS(read_checkpoint(plain), plain, "not a semisam checkpoint");
  EXPECT_ERROR_MENTIONS(read_checkpoint(dir.file("none.h5")), "file not found", dir.file("none.h5"));
}

TEST(Checkpoint, InvalidContentsAreRefusedBeforeTouchingTheTarget) {
  TempDir dir;
  std::string path = dir.file("c.h5");
  write_checkpoint(path, sample_checkpoint());
  std::string before = test::read_bytes(path);
  Checkpoint bad = sample_checkpoint();
  bad.tensors[kParamsGroup].push_back({"bad/name", Tensor::zeros({1}, DType::Float32)});
  EXPECT_ERROR_MENTIONS(write_checkpoint(path, bad), "bad/name");
  Checkpoint duplicate = sample_checkpoint();
  duplicate.tensors[kParamsGroup].push_back({"final.weight", Tensor::zeros({1}, DType::Float32)});
  EXPECT_ERROR_MENTIONS(write_checkpoint(path, duplicate), "'final.weight' appears twice");
  Checkpoint reserved = sample_checkpoint();
  reserved.tensors["rng"] = {};
  EXPECT_ERROR_MENTIONS(write_checkpoint(path, reserved), "reserved");
  EXPECT_EQ(test::read_bytes(path), before);
  EXPECT_FALSE(std::filesystem::exists(temporary_path_for(path)));
  EXPECT_ERROR_MENTIONS(write_checkpoint(dir.file("no/such/dir/c.h5"), sample_checkpoint()),
                        "does not exist");
}

TEST(Checkpoint, LeftoverTemporaryFilesNeverCorruptTheCheckpoint) {
  TempDir dir;
  std::string path = dir.file("round0_best.h5");
  write_checkpoint(path, sample_checkpoint());
  // A crash of another process mid-write, and a crash of an earlier run of this process id.
  std::string foreign = path + ".tmp-999999";
  std::string own = temporary_path_for(path);
  test::write_bytes(foreign, "half-written garbage");
  test::write_bytes(own, std::string(5000, '\x7f'));
  Checkpoint still = load_checkpoint(path, "unet_3D", expected_params());
  EXPECT_EQ(still.iteration, 12345);
  Checkpoint next = sample_checkpoint();
  next.iteration = 15000;
  next.tensors[kParamsGroup][0].tensor = ramp({4, 1, 3, 3, 3}, 100.f);
  write_checkpoint(path, next);
  Checkpoint read = load_checkpoint(path, "unet_3D", expected_params());
  EXPECT_EQ(read.iteration, 15000);
  expect_same_tensors(read.tensors[kParamsGroup], next.tensors[kParamsGroup]);
  EXPECT_FALSE(std::filesystem::exists(own));
  EXPECT_TRUE(std::filesystem::exists(foreign));  // not ours to delete
}

TEST(Checkpoint, TruncatedFilesFailNamingTheFile) {
  TempDir dir;
  std::string path = dir.file("c.h5");
  write_checkpoint(path, sample_checkpoint());
  std::string bytes = test::read_bytes(path);
  for (double fraction : {0.0, 0.01, 0.3, 0.6, 0.95}) {
    std::string cut = dir.file("cut.h5");
    test::write_bytes(cut, bytes.substr(0, size_t(double(bytes.size()) * fraction)));
    EXPECT_ERROR_MENTIONS(read_checkpoint(cut), cut);
  }
}

TEST(Checkpoint, CorruptedBytesAreDetected) {
  TempDir dir;
  std::string path = dir.file("c.h5");
  Checkpoint c = sample_checkpoint();
  c.tensors[kParamsGroup][2].tensor = Tensor::from_vector<float>(std::vector<float>(8, 1234.5f),
                                                                 {2, 4, 1, 1, 1});
  write_checkpoint(path, c);
  std::string bytes = test::read_bytes(path);
  float marker_value = 1234.5f;
  std::string marker(reinterpret_cast<const char*>(&marker_value), sizeof(float));
  marker = marker + marker + marker + marker;
  size_t at = bytes.find(marker);
  ASSERT_NE(at, std::string::npos);
  std::string damaged = bytes;
  damaged[at + 5] ^= 0x40;
  std::string data_damaged = dir.file("data.h5");
  test::write_bytes(data_damaged, damaged);
  EXPECT_ERROR_MENTIONS(read_checkpoint(data_damaged), data_damaged, "checksum mismatch",
                        "'final.weight'");
  damaged = bytes;
  damaged[20] ^= 0x01;  // inside the superblock, which carries its own checksum
  std::string header_damaged = dir.file("header.h5");
  test::write_bytes(header_damaged, damaged);
  EXPECT_ERROR_MENTIONS(read_checkpoint(header_damaged), header_damaged);
}

}  // namespace
}  // namespace semisam::io

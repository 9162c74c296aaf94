// Tests of split lists and of loading cases in the reference layout, including every bad input
// the loader must name: missing files and keys, wrong ranks, shape mismatches, bad labels and
// non-finite images.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/error_text.h"
#include "io/dataset.h"
#include "io/h5_file.h"
#include "io/split_list.h"
#include "common/temp_dir.h"

namespace semisam::io {
namespace {

using test::TempDir;

using semisam::test::error_of;

// Writes a dataset of any HDF5 type with the C API, as a foreign tool would.
void write_raw(const std::string& path, const std::string& name, hid_t type,
               const std::vector<hsize_t>& dims, const void* data) {
  hid_t file = std::filesystem::exists(path) ? H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)
                                             : H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT,
                                                         H5P_DEFAULT);
  ASSERT_GE(file, 0);
  hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
  hid_t dataset = H5Dcreate2(file, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(dataset, 0);
  ASSERT_GE(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0);
  H5Dclose(dataset);
  H5Sclose(space);
  H5Fclose(file);
}

struct DatasetDir {
  TempDir dir;
  DatasetDir() { std::filesystem::create_directories(dir.file("data")); }
  std::string root() const { return dir.str(); }
  std::string h5(const std::string& name) const { return dir.file("data/" + name + ".h5"); }
  void list(const std::string& file, const std::string& text) const {
    test::write_bytes(dir.file(file), text);
  }
  // A case with a float image of values 0..n-1 and a label of (i % classes).
  void add_case(const std::string& name, const std::vector<hsize_t>& dims, int classes = 2) const {
    size_t n = 1;
    for (auto d : dims) n *= d;
    std::vector<float> image(n);
    std::vector<uint8_t> label(n);
    for (size_t i = 0; i < n; ++i) {
      image[i] = float(i);
      label[i] = uint8_t(i % size_t(classes));
    }
    write_raw(h5(name), "image", H5T_NATIVE_FLOAT, dims, image.data());
    write_raw(h5(name), "label", H5T_NATIVE_UINT8, dims, label.data());
  }
};

TEST(SplitList, ParsesNamesCommasBlankLinesAndWhitespace) {
  auto names = parse_split_list("a\n\n  b,extra,more \r\n\t c \n   \nd,", "list");
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c", "d"}));
  // No final newline and Windows line ends.
  EXPECT_EQ(parse_split_list("x\r\ny", "list"), (std::vector<std::string>{"x", "y"}));
}

TEST(SplitList, BadListsAreNamed) {
  EXPECT_ERROR_MENTIONS(parse_split_list("\n  \n", "val.txt"), "val.txt", "no case names");
  EXPECT_ERROR_MENTIONS(parse_split_list("a\nb\n\na,x\n", "train.txt"), "train.txt", "'a'",
                        "lines 1 and 4");
  EXPECT_ERROR_MENTIONS(parse_split_list("a\n ,x\n", "t.txt"), "t.txt", "line 2");
  TempDir dir;
  EXPECT_ERROR_MENTIONS(read_split_list(dir.file("nothing.txt")), "split list not found",
                        dir.file("nothing.txt"));
}

TEST(SplitList, WriteThenReadAndPathResolution) {
  TempDir dir;
  write_split_list(dir.file("l.txt"), {"one", "two"});
  EXPECT_EQ(read_split_list(dir.file("l.txt")), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(split_list_path("/r", "train.txt"), "/r/train.txt");
  EXPECT_EQ(split_list_path("/r", "/abs/list.txt"), "/abs/list.txt");
}

TEST(Dataset, LoadsSplitInOrderWithOptionalLabels) {
  DatasetDir d;
  d.add_case("c1", {4, 3, 2});
  d.add_case("c2", {2, 3, 5});
  d.add_case("c3", {3, 3, 3});
  d.list("train.txt", "c2,meta\nc1\n\nc3\n");
  std::vector<size_t> seen;
  auto cases = load_split(d.root(), "train.txt", {}, 1, LabelMode::Skip,
                          [&](size_t i, size_t n, const Case& c) {
                            EXPECT_EQ(n, 3u);
                            seen.push_back(i);
                          });
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(seen, (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(cases[0].name, "c2");
  EXPECT_EQ(cases[0].path, d.h5("c2"));
  EXPECT_EQ(cases[0].image.shape(), (Shape{2, 3, 5}));
  EXPECT_EQ(cases[0].image.dtype(), DType::Float32);
  EXPECT_EQ(cases[0].image.data<float>()[29], 29.f);
  ASSERT_TRUE(cases[0].has_label());
  EXPECT_EQ(cases[0].label.dtype(), DType::UInt8);
  EXPECT_EQ(cases[0].label.data<uint8_t>()[5], 1);
  EXPECT_FALSE(cases[1].has_label());
  EXPECT_FALSE(cases[2].has_label());
  EXPECT_EQ(resident_bytes(cases), size_t(30 * 5 + 24 * 4 + 27 * 4));
  auto all = load_split(d.root(), "train.txt", {});
  for (const auto& c : all) EXPECT_TRUE(c.has_label());
  auto present = load_split(d.root(), "train.txt", {}, 0, LabelMode::IfPresent);
  for (const auto& c : present) EXPECT_TRUE(c.has_label());
}

TEST(Dataset, UnlabelledCasesNeedNoLabelDataset) {
  DatasetDir d;
  d.add_case("lab", {2, 2, 2});
  std::vector<float> image(8, 1.f);
  write_raw(d.h5("unl"), "image", H5T_NATIVE_FLOAT, {2, 2, 2}, image.data());
  d.list("train.txt", "lab\nunl\n");
  auto cases = load_split(d.root(), "train.txt", {}, 1);
  EXPECT_TRUE(cases[0].has_label());
  EXPECT_FALSE(cases[1].has_label());
  auto if_present = load_split(d.root(), "train.txt", {}, 1, LabelMode::IfPresent);
  EXPECT_FALSE(if_present[1].has_label());
  EXPECT_ERROR_MENTIONS(load_split(d.root(), "train.txt", {}), d.h5("unl"), "no label dataset 'label'",
                        "image");
}

TEST(Dataset, IntegerAndDoubleImagesAndWideLabelsAreConverted) {
  DatasetDir d;
  std::vector<int16_t> image = {-300, 0, 5, 32767, 1, 2, 3, 4};
  std::vector<int64_t> label = {0, 1, 2, 1, 0, 0, 2, 2};
  write_raw(d.h5("i"), "image", H5T_NATIVE_INT16, {2, 2, 2}, image.data());
  write_raw(d.h5("i"), "label", H5T_NATIVE_INT64, {2, 2, 2}, label.data());
  std::vector<double> t1 = {0.25, -1, 2, 3, 4, 5, 6, 7};
  write_raw(d.h5("i"), "t1", H5T_NATIVE_DOUBLE, {2, 2, 2}, t1.data());
  Case c = load_case(d.root(), "i", {});
  EXPECT_EQ(c.image.data<float>()[0], -300.f);
  EXPECT_EQ(c.image.data<float>()[3], 32767.f);
  EXPECT_EQ(c.label.data<uint8_t>()[2], 2);
  DatasetOptions options;
  options.image_key = "t1";
  options.binary_label = true;
  Case t = load_case(d.root(), "i", options);
  EXPECT_EQ(t.image.data<float>()[0], 0.25f);
  EXPECT_EQ(t.label.data<uint8_t>()[2], 1);
  EXPECT_EQ(t.label.data<uint8_t>()[4], 0);
  options.num_classes = 2;  // binary labels satisfy it
  EXPECT_NO_THROW(load_case(d.root(), "i", options));
}

TEST(Dataset, MissingFilesAndKeysAreNamed) {
  DatasetDir d;
  d.add_case("ok", {2, 2, 2});
  EXPECT_ERROR_MENTIONS(load_case(d.root(), "gone", {}), "case 'gone'", "file not found",
                        d.h5("gone"));
  EXPECT_ERROR_MENTIONS(load_split(d.root(), "test.txt", {}), "split list not found",
                        d.dir.file("test.txt"));
  DatasetOptions options;
  options.image_key = "flair";
  EXPECT_ERROR_MENTIONS(load_case(d.root(), "ok", options), d.h5("ok"), "'flair'",
                        "it holds: image, label");
  d.list("val.txt", "ok\nabsent\n");
  EXPECT_ERROR_MENTIONS(load_split(d.root(), "val.txt", {}), "case 'absent'", "file not found");
  d.list("dup.txt", "ok\nx\nok\n");
  EXPECT_ERROR_MENTIONS(load_split(d.root(), "dup.txt", {}), "'ok'", "lines 1 and 3");
  d.list("empty.txt", "\n\n");
  EXPECT_ERROR_MENTIONS(load_split(d.root(), "empty.txt", {}), "empty.txt", "no case names");
}

TEST(Dataset, WrongRankAndShapeMismatchAreNamed) {
  DatasetDir d;
  std::vector<float> four_d(16, 0.f);
  write_raw(d.h5("r4"), "image", H5T_NATIVE_FLOAT, {1, 2, 2, 4}, four_d.data());
  EXPECT_ERROR_MENTIONS(load_case(d.root(), "r4", {}), d.h5("r4"), "not 3-D", "[1, 2, 2, 4]");
  std::vector<float> image(8, 0.f);
  std::vector<uint8_t> label(12, 0);
  write_raw(d.h5("mm"), "image", H5T_NATIVE_FLOAT, {2, 2, 2}, image.data());
  write_raw(d.h5("mm"), "label", H5T_NATIVE_UINT8, {2, 2, 3}, label.data());
  EXPECT_ERROR_MENTIONS(load_case(d.root(), "mm", {}), d.h5("mm"), "[2, 2, 2]", "[2, 2, 3]");
  EXPECT_NO_THROW(load_case(d.root(), "mm", {}, LabelMode::Skip));
  std::vector<uint8_t> label2d(4, 0);
  write_raw(d.h5("l2"), "image", H5T_NATIVE_FLOAT, {2, 2, 2}, image.data());
  write_raw(d.h5("l2"), "label", H5T_NATIVE_UINT8, {2, 2}, label2d.data());
  EXPECT_ERROR_MENTIONS(load_case(d.root(), "l2", {}), "label dataset 'label' is not 3-D");
}

TEST(Dataset, BadLabelValuesAreNamed) {
  DatasetDir d;
  std::vector<float> image(8, 0.f);
  std::vector<int32_t> label = {0, 1, 3, 1, 0, 7, 0, 0};
  write_raw(d.h5("big"), "image", H5T_NATIVE_FLOAT, {2, 2, 2}, image.data());
  write_raw(d.h5("big"), "label", H5T_NATIVE_INT32, {2, 2, 2}, label.data());
  DatasetOptions options;
  options.num_classes = 2;
  EXPECT_ERROR_MENTIONS(load_case(d.root(), "big", options), "case 'big'", "label value 7",
                        "2 voxel(s)", "num_classes = 2");
  options.num_classes = 8;
  EXPECT_NO_THROW(load_case(d.root(), "big", options));
  std::vector<int32_t> negative = {0, -1, 300, 0, 0, 0, 0, 0};
  write_raw(d.h5("neg"), "image", H5T_NATIVE_FLOAT, {2, 2, 2}, image.data());
  write_raw(d.h5("neg"), "label", H5T_NATIVE_INT32, {2, 2, 2}, negative.data());
  EXPECT_ERROR_MENTIONS(load_case(d.root(), "neg", {}), "case 'neg'", "label value -1", ">= 0");
  std::vector<int32_t> wide = {0, 300, 0, 0, 0, 0, 0, 0};
  write_raw(d.h5("wide"), "image", H5T_NATIVE_FLOAT, {2, 2, 2}, image.data());
  write_raw(d.h5("wide"), "label", H5T_NATIVE_INT32, {2, 2, 2}, wide.data());
  EXPECT_ERROR_MENTIONS(load_case(d.root(), "wide", {}), "label value 300", "uint8");
  std::vector<float> float_label(8, 1.f);
  write_raw(d.h5("fl"), "image", H5T_NATIVE_FLOAT, {2, 2, 2}, image.data());
  write_raw(d.h5("fl"), "label", H5T_NATIVE_FLOAT, {2, 2, 2}, float_label.data());
  EXPECT_ERROR_MENTIONS(load_case(d.root(), "fl", {}), d.h5("fl"), "float32", "integer");
}

TEST(Dataset, NonFiniteImagesAndNonNumericDataAreNamed) {
  DatasetDir d;
  float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  std::vector<float> image = {0, nan, 2, nan, -inf, 5, 6, 7};
  std::vector<uint8_t> label(8, 0);
  write_raw(d.h5("nan"), "image", H5T_NATIVE_FLOAT, {2, 2, 2}, image.data());
  write_raw(d.h5("nan"), "label", H5T_NATIVE_UINT8, {2, 2, 2}, label.data());
  EXPECT_ERROR_MENTIONS(load_case(d.root(), "nan", {}), "case 'nan'", "2 NaN and 1 infinite");
  hid_t string_type = H5Tcopy(H5T_C_S1);
  H5Tset_size(string_type, 4);
  std::vector<char> text(32, 'a');
  write_raw(d.h5("str"), "image", string_type, {2, 2, 2}, text.data());
  H5Tclose(string_type);
  EXPECT_ERROR_MENTIONS(load_case(d.root(), "str", {}), d.h5("str"), "string");
  test::write_bytes(d.h5("junk"), "garbage bytes");
  EXPECT_ERROR_MENTIONS(load_case(d.root(), "junk", {}), d.h5("junk"), "HDF5");
}

}  // namespace
}  // namespace semisam::io

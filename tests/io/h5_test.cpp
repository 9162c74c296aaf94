// Tests of the HDF5 RAII layer: tensors and attributes round-trip, type conversion on reading,
// and clear errors for missing, truncated and foreign files.
#include <gtest/gtest.h>

#include "common/error_text.h"
#include "io/h5_file.h"
#include "common/temp_dir.h"

namespace semisam::io {
namespace {

using test::TempDir;

template <typename T>
std::vector<T> values_of(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.numel());
}

TEST(H5, TensorsOfEveryDtypeRoundTrip) {
  TempDir dir;
  std::string path = dir.file("t.h5");
  {
    h5::File file = h5::File::create(path);
    h5::Group root = file.root();
    root.write_tensor("f32", Tensor::from_vector<float>({1.5f, -2.f, 3.25f, 1e30f, -0.f, 7.f}, {2, 3}));
    root.write_tensor("f64", Tensor::from_vector<double>({1e-300, 2.5}, {2}));
    root.write_tensor("i32", Tensor::from_vector<int32_t>({-7, 2147483647}, {2, 1}));
    root.write_tensor("i64", Tensor::from_vector<int64_t>({-(int64_t(1) << 60), 3}, {1, 2}));
    root.write_tensor("u8", Tensor::from_vector<uint8_t>({0, 255, 9}, {3}), {6});
    root.write_tensor("f16", Tensor::from_vector<float16>({float16(0.5f), float16(-3.f)}, {2}));
    root.write_tensor("bf16", Tensor::from_vector<bfloat16>({bfloat16(0.5f), bfloat16(-3.f)}, {2}));
    root.write_tensor("scalar", Tensor::from_vector<float>({4.f}, {}));
    root.write_tensor("empty", Tensor::zeros({0, 3}, DType::Float32));
    file.close();
  }
  h5::File file = h5::File::open(path);
  h5::Group root = file.root();
  EXPECT_EQ(root.children(), (std::vector<std::string>{"f32", "f64", "i32", "i64", "u8", "f16",
                                                       "bf16", "scalar", "empty"}));
  Tensor f32 = root.open_dataset("f32").read();
  EXPECT_EQ(f32.dtype(), DType::Float32);
  EXPECT_EQ(f32.shape(), (Shape{2, 3}));
  EXPECT_EQ(values_of<float>(f32), (std::vector<float>{1.5f, -2.f, 3.25f, 1e30f, -0.f, 7.f}));
  EXPECT_EQ(values_of<double>(root.open_dataset("f64").read()), (std::vector<double>{1e-300, 2.5}));
  EXPECT_EQ(values_of<int32_t>(root.open_dataset("i32").read()),
            (std::vector<int32_t>{-7, 2147483647}));
  EXPECT_EQ(values_of<int64_t>(root.open_dataset("i64").read()),
            (std::vector<int64_t>{-(int64_t(1) << 60), 3}));
  EXPECT_EQ(values_of<uint8_t>(root.open_dataset("u8").read()), (std::vector<uint8_t>{0, 255, 9}));
  Tensor f16 = root.open_dataset("f16").read();
  ASSERT_EQ(f16.dtype(), DType::Float16);
  EXPECT_EQ(float(f16.data<float16>()[1]), -3.f);
  Tensor bf16 = root.open_dataset("bf16").read();
  ASSERT_EQ(bf16.dtype(), DType::BFloat16);
  EXPECT_EQ(float(bf16.data<bfloat16>()[0]), 0.5f);
  EXPECT_EQ(root.open_dataset("scalar").read().shape(), Shape{});
  EXPECT_EQ(root.open_dataset("empty").read().shape(), (Shape{0, 3}));
}

TEST(H5, ReadingConvertsTypes) {
  TempDir dir;
  std::string path = dir.file("c.h5");
  {
    h5::File file = h5::File::create(path);
    file.root().write_tensor("i64", Tensor::from_vector<int64_t>({-3, 0, 100000}, {3}));
    file.root().write_tensor("f16", Tensor::from_vector<float16>({float16(1.5f)}, {1}));
    file.close();
  }
  h5::File file = h5::File::open(path);
  Tensor as_float = file.root().open_dataset("i64").read(DType::Float32);
  EXPECT_EQ(values_of<float>(as_float), (std::vector<float>{-3.f, 0.f, 100000.f}));
  EXPECT_EQ(values_of<float>(file.root().open_dataset("f16").read(DType::Float32)),
            std::vector<float>{1.5f});
}

TEST(H5, NonContiguousTensorsAreWrittenInLogicalOrder) {
  TempDir dir;
  std::string path = dir.file("nc.h5");
  Tensor base = Tensor::from_vector<float>({0, 1, 2, 3, 4, 5}, {2, 3});
  {
    h5::File file = h5::File::create(path);
    file.root().write_tensor("t", base.permute({1, 0}));
    file.close();
  }
  h5::File file = h5::File::open(path);
  Tensor t = file.root().open_dataset("t").read();
  EXPECT_EQ(t.shape(), (Shape{3, 2}));
  EXPECT_EQ(values_of<float>(t), (std::vector<float>{0, 3, 1, 4, 2, 5}));
}

TEST(H5, AttributesAndGroups) {
  TempDir dir;
  std::string path = dir.file("a.h5");
  {
    h5::File file = h5::File::create(path);
    h5::Group root = file.root();
    root.set_attribute("name", "unet_3D");
    root.set_attribute("name", "replaced");  // setting twice replaces
    root.set_attribute("count", int64_t(-42));
    root.set_attribute("big", uint64_t(18446744073709551615ull));
    root.set_attribute("dice", 0.875);
    h5::Group params = root.create_group("params");
    params.write_tensor("conv1.conv1.0.weight", Tensor::zeros({2, 1, 3, 3, 3}, DType::Float32));
    file.close();
  }
  h5::File file = h5::File::open(path);
  h5::Group root = file.root();
  EXPECT_EQ(root.string_attribute("name"), "replaced");
  EXPECT_EQ(root.int_attribute("count"), -42);
  EXPECT_EQ(root.uint_attribute("big"), 18446744073709551615ull);
  EXPECT_EQ(root.double_attribute("dice"), 0.875);
  EXPECT_EQ(root.double_attribute("count"), -42.0);
  EXPECT_EQ(root.attribute_names(), (std::vector<std::string>{"big", "count", "dice", "name"}));
  EXPECT_TRUE(root.has_group("params"));
  EXPECT_FALSE(root.has_dataset("params"));
  EXPECT_TRUE(root.has("params/conv1.conv1.0.weight"));
  EXPECT_TRUE(root.has_dataset("params/conv1.conv1.0.weight"));
  EXPECT_FALSE(root.has("missing/x"));
  EXPECT_EQ(root.open_group("params").open_dataset("conv1.conv1.0.weight").shape(),
            (Shape{2, 1, 3, 3, 3}));
  EXPECT_THROW(root.int_attribute("name"), Error);
  EXPECT_THROW(root.string_attribute("count"), Error);
  EXPECT_THROW(root.string_attribute("absent"), Error);
  EXPECT_THROW(root.open_dataset("nothing"), Error);
  EXPECT_THROW(root.open_group("nothing"), Error);
}

TEST(H5, RejectsBadNamesAndDuplicates) {
  TempDir dir;
  h5::File file = h5::File::create(dir.file("n.h5"));
  h5::Group root = file.root();
  Tensor t = Tensor::zeros({1}, DType::Float32);
  EXPECT_THROW(root.write_tensor("a/b", t), Error);
  EXPECT_THROW(root.write_tensor("", t), Error);
  EXPECT_THROW(root.write_tensor(".", t), Error);
  root.write_tensor("x", t);
  EXPECT_THROW(root.write_tensor("x", t), Error);
  EXPECT_THROW(root.create_group("a/b"), Error);
  EXPECT_THROW(root.write_tensor("y", Tensor()), Error);
}

using semisam::test::error_of;

TEST(H5, OpeningBadFilesNamesThem) {
  TempDir dir;
  std::string missing = dir.file("missing.h5");
  EXPECT_NE(error_of([&] { h5::File::open(missing); }).find("file not found: " + missing),
            std::string::npos);
  std::string text = dir.file("text.h5");
  test::write_bytes(text, "this is not an HDF5 file at all");
  std::string message = error_of([&] { h5::File::open(text); });
  EXPECT_NE(message.find("cannot open " + text), std::string::npos) << message;
  std::string folder = dir.file("folder.h5");
  std::filesystem::create_directory(folder);
  EXPECT_NE(error_of([&] { h5::File::open(folder); }).find("not a regular file"), std::string::npos);
}

TEST(H5, TruncatedFileFailsClearly) {
  TempDir dir;
  std::string path = dir.file("full.h5");
  {
    h5::File file = h5::File::create(path);
    file.root().write_tensor("t", Tensor::zeros({64, 64}, DType::Float32));
    file.close();
  }
  std::string bytes = test::read_bytes(path);
  test::write_bytes(path, bytes.substr(0, bytes.size() / 3));
  std::string message = error_of([&] {
    h5::File file = h5::File::open(path);
    file.root().open_dataset("t").read();
  });
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(H5, SameContentGivesSameBytes) {
  TempDir dir;
  auto write = [&](const std::string& path) {
    h5::File file = h5::File::create(path);
    file.root().set_attribute("a", "b");
    file.root().create_group("g").write_tensor("t", Tensor::from_vector<float>({1, 2, 3}, {3}), {4});
    file.close();
    return test::read_bytes(path);
  };
  std::string first = write(dir.file("1.h5"));
  std::string second = write(dir.file("2.h5"));
  EXPECT_FALSE(first.empty());
  EXPECT_TRUE(first == second);
}

}  // namespace
}  // namespace semisam::io

// NIfTI-1 tests: files written by nibabel (tests/data/nifti, see
// tests/fixtures/make_nifti_fixtures.py) read back exactly; round trips; axis order on disk;
// conversions; truncated, corrupted and foreign files; atomic writes.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error_text.h"
#include "io/nifti_io.h"
#include "common/temp_dir.h"
#include "tensor/error.h"

namespace semisam::io {
namespace {

const std::string kNiftiDir = std::string(SEMISAM_TEST_DATA_DIR) + "/nifti/";

using Block = std::map<std::string, std::vector<double>>;

// expected.txt: blocks that start with "file <name>", then "<key> <numbers...>" lines.
std::map<std::string, Block> load_expected() {
  std::ifstream in(kNiftiDir + "expected.txt");
  EXPECT_TRUE(in.good()) << "missing " << kNiftiDir << "expected.txt";
  std::map<std::string, Block> out;
  std::string text, current;
  while (std::getline(in, text)) {
    if (text.empty() || text[0] == '#') continue;
    std::istringstream fields(text);
    std::string key;
    fields >> key;
    if (key == "file") {
      fields >> current;
      continue;
    }
    std::vector<double> numbers;
    for (std::string w; fields >> w;) numbers.push_back(std::stod(w));
    out[current][key] = numbers;
  }
  return out;
}

std::vector<float> floats(const Tensor& t) {
  const float* p = t.data<float>();
  return std::vector<float>(p, p + t.numel());
}

using semisam::test::error_of;

void expect_same_geometry(const NiftiHeader& a, const NiftiHeader& b) {
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(a.pixdim[size_t(i)], b.pixdim[size_t(i)]);
  EXPECT_EQ(a.pixdim[0], b.pixdim[0]);
  EXPECT_EQ(a.qform_code, b.qform_code);
  EXPECT_EQ(a.sform_code, b.sform_code);
  EXPECT_EQ(a.srow_x, b.srow_x);
  EXPECT_EQ(a.srow_y, b.srow_y);
  EXPECT_EQ(a.srow_z, b.srow_z);
  EXPECT_EQ(a.quatern_b, b.quatern_b);
  EXPECT_EQ(a.quatern_c, b.quatern_c);
  EXPECT_EQ(a.quatern_d, b.quatern_d);
  EXPECT_EQ(a.qoffset_x, b.qoffset_x);
  EXPECT_EQ(a.qoffset_y, b.qoffset_y);
  EXPECT_EQ(a.qoffset_z, b.qoffset_z);
  EXPECT_EQ(a.xyzt_units, b.xyzt_units);
}

TEST(NiftiIo, ReadsNibabelFilesExactly) {
  auto expected = load_expected();
  ASSERT_EQ(expected.size(), 5u);
  for (auto& [name, e] : expected) {
    SCOPED_TRACE(name);
    NiftiImage image = read_nifti(kNiftiDir + name);
    const NiftiHeader& h = image.header;
    EXPECT_EQ(h.datatype, int16_t(e["datatype"].at(0)));
    EXPECT_EQ(image.voxels.shape(),
              (Shape{int64_t(e["shape"][0]), int64_t(e["shape"][1]), int64_t(e["shape"][2])}));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(double(h.pixdim[size_t(i) + 1]), e["pixdim"][size_t(i)]);
    EXPECT_EQ(h.xyzt_units, int(e["units"].at(0)));
    EXPECT_EQ(h.qform_code, int(e["qform_code"].at(0)));
    EXPECT_EQ(h.sform_code, int(e["sform_code"].at(0)));
    auto [slope, inter] = h.scaling();
    EXPECT_EQ(slope, e["scaling"].at(0));
    EXPECT_EQ(inter, e["scaling"].at(1));
    const auto& sform = e["sform"];
    for (size_t c = 0; c < 4; ++c) {
      EXPECT_EQ(double(h.srow_x[c]), sform.at(c));
      EXPECT_EQ(double(h.srow_y[c]), sform.at(4 + c));
      EXPECT_EQ(double(h.srow_z[c]), sform.at(8 + c));
    }
    const auto& q = e["quatern"];
    EXPECT_EQ(double(h.quatern_b), q.at(0));
    EXPECT_EQ(double(h.quatern_c), q.at(1));
    EXPECT_EQ(double(h.quatern_d), q.at(2));
    EXPECT_EQ(double(h.qoffset_x), q.at(3));
    EXPECT_EQ(double(h.qoffset_y), q.at(4));
    EXPECT_EQ(double(h.qoffset_z), q.at(5));
    const auto& values = e["values"];
    std::vector<float> got = floats(image.voxels);
    ASSERT_EQ(got.size(), values.size());
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_EQ(got[i], float(values[i])) << "element " << i;  // the same float32 rounding
    auto spacing = h.spacing_mm();
    for (int i = 0; i < 3; ++i) EXPECT_DOUBLE_EQ(spacing[size_t(i)], e["pixdim"][size_t(i)]);
  }
}

TEST(NiftiIo, LabelsReadAsUInt8AndNonLabelsAreRefused) {
  auto expected = load_expected();
  NiftiImage labels = read_nifti(kNiftiDir + "labels_u8.nii", NiftiVoxels::UInt8);
  ASSERT_EQ(labels.voxels.dtype(), DType::UInt8);
  EXPECT_EQ(labels.stored_type(), NiftiDataType::UInt8);
  const auto& values = expected["labels_u8.nii"]["values"];
  const uint8_t* p = labels.voxels.data<uint8_t>();
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(double(p[i]), values[i]);
  std::string message = error_of([&] { read_nifti(kNiftiDir + "aniso_f32.nii.gz", NiftiVoxels::UInt8); });
  EXPECT_NE(message.find("not a label"), std::string::npos) << message;
  EXPECT_NE(message.find("aniso_f32.nii.gz"), std::string::npos) << message;
}

TEST(NiftiIo, RoundTripKeepsValuesAndGeometry) {
  test::TempDir dir;
  for (const char* name : {"labels_u8.nii", "scaled_i16.nii.gz", "aniso_f32.nii.gz",
                           "sform_f64.nii", "bigendian_i32.nii"}) {
    for (const char* suffix : {".nii", ".nii.gz"}) {
      SCOPED_TRACE(std::string(name) + " -> " + suffix);
      NiftiImage source = read_nifti(kNiftiDir + name);
      const std::string out = dir.file(std::string("copy") + suffix);
      write_nifti_like(out, source.voxels, source.header);
      NiftiImage copy = read_nifti(out);
      EXPECT_EQ(copy.stored_type(), NiftiDataType::Float32);
      EXPECT_EQ(floats(copy.voxels), floats(source.voxels));
      expect_same_geometry(copy.header, source.header);
      EXPECT_EQ(copy.header.scaling(), (std::pair<double, double>(1.0, 0.0)));
    }
  }
  // A uint8 prediction beside its float source keeps the source's geometry and type uint8.
  NiftiImage source = read_nifti(kNiftiDir + "aniso_f32.nii.gz");
  Tensor prediction = Tensor::zeros(source.voxels.shape(), DType::UInt8);
  prediction.data<uint8_t>()[7] = 2;
  write_nifti_like(dir.file("pred.nii.gz"), prediction, source.header);
  NiftiImage back = read_nifti(dir.file("pred.nii.gz"), NiftiVoxels::UInt8);
  EXPECT_EQ(back.stored_type(), NiftiDataType::UInt8);
  EXPECT_EQ(back.voxels.data<uint8_t>()[7], 2);
  expect_same_geometry(back.header, source.header);
}

TEST(NiftiIo, FileStoresXFastestAndTensorIsXYZ) {
  test::TempDir dir;
  const Shape shape{4, 3, 2};
  std::vector<float> values;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k) values.push_back(float(100 * i + 10 * j + k));
  Tensor volume = Tensor::from_vector(values, shape);
  const std::string path = dir.file("axes.nii");
  write_nifti_with_spacing(path, volume, {0.5, 1.0, 3.0});
  const std::string bytes = test::read_bytes(path);
  ASSERT_EQ(bytes.size(), 352u + 4 * values.size());
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k) {
        float stored;
        std::memcpy(&stored, bytes.data() + 352 + 4 * (i + 4 * (j + 3 * k)), 4);
        EXPECT_EQ(stored, float(100 * i + 10 * j + k));
      }
  NiftiImage back = read_nifti(path);
  EXPECT_EQ(back.voxels.shape(), shape);
  EXPECT_EQ(floats(back.voxels), values);
  EXPECT_EQ(back.header.spacing_mm(), (std::array<double, 3>{0.5, 1.0, 3.0}));
  // A non-contiguous view is written by its logical indices.
  Tensor permuted = volume.permute({2, 1, 0});
  write_nifti_with_spacing(dir.file("permuted.nii"), permuted);
  NiftiImage p = read_nifti(dir.file("permuted.nii"));
  EXPECT_EQ(p.voxels.shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(p.voxels.data<float>()[1], 100.0f);  // element (0, 0, 1) = volume (1, 0, 0)
}

TEST(NiftiIo, WritingChecksValuesShapesAndLeavesNoPartialFile) {
  test::TempDir dir;
  const std::string target = dir.file("keep.nii");
  Tensor good = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2});
  write_nifti_with_spacing(target, good);
  const std::string before = test::read_bytes(target);
  NiftiHeader int16_header = nifti_header_new({2, 2, 2}, NiftiDataType::Int16);
  Tensor bad = Tensor::from_vector<float>({1, 2, 3, 4e6f, 5, 6, 7, 8}, {2, 2, 2});
  std::string message = error_of([&] { write_nifti(target, bad, int16_header); });
  EXPECT_NE(message.find("cannot be stored as int16"), std::string::npos) << message;
  EXPECT_NE(message.find("(0, 1, 1)"), std::string::npos) << message;  // voxel (i, j, k)
  EXPECT_EQ(test::read_bytes(target), before);
  message = error_of([&] { write_nifti(target, Tensor::zeros({2, 2, 3}, DType::Float32), int16_header); });
  EXPECT_NE(message.find("do not match"), std::string::npos) << message;
  message = error_of([&] { write_nifti_with_spacing(dir.file("no/such/dir/x.nii"), good); });
  EXPECT_FALSE(message.empty());
  message = error_of([&] { write_nifti_with_spacing(target, Tensor::zeros({2, 2, 2}, DType::Int64)); });
  EXPECT_NE(message.find("int64"), std::string::npos) << message;
  for (const auto& entry : std::filesystem::directory_iterator(dir.str()))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos);
  write_nifti(dir.file("i16.nii.gz"), good, int16_header);
  NiftiImage back = read_nifti(dir.file("i16.nii.gz"));
  EXPECT_EQ(back.stored_type(), NiftiDataType::Int16);
  EXPECT_EQ(floats(back.voxels), floats(good));
}

TEST(NiftiIo, DamagedAndForeignFilesFail) {
  test::TempDir dir;
  const std::string plain = test::read_bytes(kNiftiDir + "sform_f64.nii");
  for (size_t keep : {size_t(0), size_t(100), size_t(348), size_t(351), plain.size() - 1}) {
    test::write_bytes(dir.file("cut.nii"), plain.substr(0, keep));
    std::string message = error_of([&] { read_nifti(dir.file("cut.nii")); });
    EXPECT_NE(message.find("truncated"), std::string::npos) << keep << ": " << message;
  }
  std::string claims_huge = plain;  // dims 8000^3 of float64 (4 TB) in an 800-byte file
  for (int axis = 1; axis <= 3; ++axis) {
    int16_t n = 8000;
    std::memcpy(&claims_huge[40 + 2 * size_t(axis)], &n, 2);
  }
  test::write_bytes(dir.file("huge.nii"), claims_huge);
  std::string huge = error_of([&] { read_nifti(dir.file("huge.nii")); });
  EXPECT_NE(huge.find("truncated"), std::string::npos) << huge;
  const std::string gz = test::read_bytes(kNiftiDir + "aniso_f32.nii.gz");
  test::write_bytes(dir.file("cut.nii.gz"), gz.substr(0, gz.size() / 2));
  EXPECT_FALSE(error_of([&] { read_nifti(dir.file("cut.nii.gz")); }).empty());
  std::string corrupt = gz;
  for (size_t i = 40; i < 60; ++i) corrupt[i] = char(~corrupt[i]);
  test::write_bytes(dir.file("corrupt.nii.gz"), corrupt);
  std::string message = error_of([&] { read_nifti(dir.file("corrupt.nii.gz")); });
  EXPECT_NE(message.find("corrupt.nii.gz"), std::string::npos) << message;

  std::string header = plain.substr(0, 352);
  std::string nifti2 = header;
  int32_t n2 = 540;
  std::memcpy(&nifti2[0], &n2, 4);
  test::write_bytes(dir.file("n2.nii"), nifti2);
  message = error_of([&] { read_nifti(dir.file("n2.nii")); });
  EXPECT_NE(message.find("NIfTI-2"), std::string::npos) << message;
  std::string pair = plain;
  std::memcpy(&pair[344], "ni1", 4);
  test::write_bytes(dir.file("pair.nii"), pair);
  message = error_of([&] { read_nifti(dir.file("pair.nii")); });
  EXPECT_NE(message.find(".hdr/.img"), std::string::npos) << message;
  std::string bad_type = plain;
  int16_t complex64 = 32;
  std::memcpy(&bad_type[70], &complex64, 2);
  test::write_bytes(dir.file("complex.nii"), bad_type);
  message = error_of([&] { read_nifti(dir.file("complex.nii")); });
  EXPECT_NE(message.find("datatype code 32"), std::string::npos) << message;
  test::write_bytes(dir.file("text.nii"), std::string(400, 'x'));
  message = error_of([&] { read_nifti(dir.file("text.nii")); });
  EXPECT_NE(message.find("not a NIfTI-1 file"), std::string::npos) << message;
  message = error_of([&] { read_nifti(dir.file("missing.nii")); });
  EXPECT_NE(message.find("cannot open"), std::string::npos) << message;
}

// A damaged header must not size an allocation: the memory a short file costs to refuse is
// bounded by what it holds. Measured in a child process, whose peak resident size starts where
// the fork left it (a failing read leaves nothing allocated behind it to look at afterwards).
// Before the mend, the 900 MB extension cost 900 MB of zeros and the 4 TB image 64 MiB.
size_t peak_growth_reading(const std::string& path) {
  int pipe_fds[2];
  EXPECT_EQ(pipe(pipe_fds), 0);
  pid_t child = fork();
  if (child == 0) {
    close(pipe_fds[0]);
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    try {
      read_nifti(path);
    } catch (const Error&) {
    }
    getrusage(RUSAGE_SELF, &after);
    long grown_kb = after.ru_maxrss - before.ru_maxrss;
    ssize_t ignored = write(pipe_fds[1], &grown_kb, sizeof grown_kb);
    (void)ignored;
    _exit(0);
  }
  close(pipe_fds[1]);
  long grown_kb = -1;
  EXPECT_EQ(read(pipe_fds[0], &grown_kb, sizeof grown_kb), ssize_t(sizeof grown_kb));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
  return size_t(std::max(grown_kb, 0L)) * 1024;
}

TEST(NiftiIo, ShortFilesWithHugeClaimsCostLittleMemory) {
  test::TempDir dir;
  const std::string plain = test::read_bytes(kNiftiDir + "sform_f64.nii");
  std::string extension = plain;  // vox_offset 9e8: a 900 MB extension in an 800-byte file
  const float offset = 9e8f;
  std::memcpy(&extension[108], &offset, 4);
  test::write_bytes(dir.file("extension.nii"), extension);
  EXPECT_NE(error_of([&] { read_nifti(dir.file("extension.nii")); }).find("truncated"),
            std::string::npos);
  EXPECT_LT(peak_growth_reading(dir.file("extension.nii")), size_t(16) << 20);

  std::string image = plain;  // dims 8000^3 of float64 (4 TB)
  for (int axis = 1; axis <= 3; ++axis) {
    int16_t n = 8000;
    std::memcpy(&image[40 + 2 * size_t(axis)], &n, 2);
  }
  test::write_bytes(dir.file("image.nii"), image);
  EXPECT_LT(peak_growth_reading(dir.file("image.nii")), size_t(16) << 20);
}

}  // namespace
}  // namespace semisam::io

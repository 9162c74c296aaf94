// .pth reader tests against checkpoints written by real torch.save (tests/data/pth, see
// tests/fixtures/make_pth_fixtures.py): values, dtypes, layouts, key paths, the allow-list, and
// truncated, corrupted and foreign files.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/error_text.h"
#include "io/checkpoint.h"
#include "io/pth_archive.h"
#include "common/temp_dir.h"
#include "tensor/error.h"
#include "tensor/memory.h"

namespace semisam::io {
namespace {

const std::string kPthDir = std::string(SEMISAM_TEST_DATA_DIR) + "/pth/";

struct Line {
  std::string kind, file, path;
  std::vector<std::string> rest;
};

std::vector<Line> expected_lines(const std::string& kind) {
  std::ifstream in(kPthDir + "expected.txt");
  EXPECT_TRUE(in.good()) << "missing " << kPthDir << "expected.txt";
  std::vector<Line> out;
  std::string text;
  while (std::getline(in, text)) {
    if (text.empty() || text[0] == '#') continue;
    std::istringstream fields(text);
    Line line;
    fields >> line.kind >> line.file;
    if (line.kind != kind) continue;
    if (kind == "error") {
      std::getline(fields >> std::ws, text);
      line.rest.push_back(text);
    } else {
      fields >> line.path;
      if (line.path == "-") line.path.clear();
      for (std::string w; fields >> w;) line.rest.push_back(w);
    }
    out.push_back(line);
  }
  return out;
}

std::vector<double> values_of(const Tensor& t) {
  EXPECT_TRUE(t.is_contiguous());
  std::vector<double> out(size_t(t.numel()));
  dispatch_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = static_cast<const T*>(t.data_ptr());
    for (size_t i = 0; i < out.size(); ++i) out[i] = double(static_cast<compute_t<T>>(p[i]));
    return 0;
  });
  return out;
}

Shape parse_shape(const std::string& s) {
  Shape shape;
  if (s == "-") return shape;
  std::istringstream in(s);
  for (std::string part; std::getline(in, part, ',');) shape.push_back(std::stoll(part));
  return shape;
}

using semisam::test::error_of;

TEST(PthArchive, TensorsMatchWhatTorchSaved) {
  auto lines = expected_lines("tensor");
  ASSERT_GE(lines.size(), 30u);
  for (const auto& line : lines) {
    const std::string name = line.rest.at(0);
    SCOPED_TRACE(line.file + " " + line.path + " " + name);
    PthArchive archive(kPthDir + line.file);
    std::vector<std::string> path = split_key_path(line.path);
    path.push_back(name);
    PickleValuePtr value = archive.at(path);
    ASSERT_TRUE(value->is(PickleKind::Tensor)) << describe(*value);
    const Tensor t = archive.tensor(*value->tensor);
    EXPECT_EQ(std::string(dtype_name(t.dtype())), line.rest.at(1));
    EXPECT_EQ(t.shape(), parse_shape(line.rest.at(2)));
    EXPECT_TRUE(t.device().is_cpu());
    std::vector<double> got = values_of(t);
    ASSERT_EQ(got.size(), line.rest.size() - 3);
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_EQ(got[i], std::stod(line.rest[i + 3])) << "element " << i;  // exact
  }
}

TEST(PthArchive, KeysKeepFileOrder) {
  for (const auto& line : expected_lines("keys")) {
    SCOPED_TRACE(line.file + " " + line.path);
    PthArchive archive(kPthDir + line.file);
    PickleValuePtr dict = archive.at(split_key_path(line.path));
    ASSERT_TRUE(dict->is(PickleKind::Dict));
    std::vector<std::string> keys;
    for (const auto& kv : dict->dict.items()) keys.push_back(kv.first->text);
    EXPECT_EQ(keys, line.rest);
  }
}

TEST(PthArchive, PlainValuesAreRead) {
  auto lines = expected_lines("value");
  ASSERT_EQ(lines.size(), 4u);
  for (const auto& line : lines) {
    SCOPED_TRACE(line.file + " " + line.rest.at(0));
    PthArchive archive(kPthDir + line.file);
    std::vector<std::string> path = split_key_path(line.path);
    path.push_back(line.rest.at(0));
    PickleValuePtr v = archive.at(path);
    const std::string& kind = line.rest.at(1);
    const std::string& repr = line.rest.at(2);
    if (kind == "int") {
      ASSERT_TRUE(v->is(PickleKind::Int));
      EXPECT_EQ(v->integer, std::stoll(repr));
    } else if (kind == "float") {
      ASSERT_TRUE(v->is(PickleKind::Float));
      EXPECT_EQ(v->real, std::stod(repr));
    } else {
      ASSERT_TRUE(v->is(PickleKind::String));
      EXPECT_EQ("'" + v->text + "'", repr);
    }
  }
}

TEST(PthArchive, PrefixFilterStripsNamesAndStorageIsShared) {
  PthArchive archive(kPthDir + "checkpoint.pth");
  EXPECT_EQ(archive.record_prefix(), "checkpoint");
  EXPECT_FALSE(archive.big_endian());
  EXPECT_FALSE(archive.format_version().empty());  // torch writes its format version
  TensorMap all = archive.tensors({"model_state_dict"});
  TensorMap encoder = archive.tensors({"model_state_dict"}, "image_encoder.");
  size_t with_prefix = 0;
  for (const auto& item : all) {
    if (item.first.rfind("image_encoder.", 0) != 0) continue;
    ++with_prefix;
    const std::string stripped = item.first.substr(14);
    ASSERT_TRUE(encoder.contains(stripped)) << stripped;
    EXPECT_EQ(values_of(encoder.at(stripped)), values_of(item.second));
  }
  EXPECT_EQ(encoder.size(), with_prefix);
  EXPECT_GT(with_prefix, 0u);
  TensorMap same = load_pth_tensors(kPthDir + "checkpoint.pth", "model_state_dict",
                                    "image_encoder.");
  EXPECT_EQ(same.names(), encoder.names());

  EXPECT_TRUE(PthArchive(kPthDir + "bigendian.pth").big_endian());  // values: TensorsMatch...
  PthArchive tensors(kPthDir + "tensors.pth");
  TensorMap t = tensors.tensors({});
  EXPECT_TRUE(t.at("shared_a").shares_storage(t.at("shared_b")));  // one storage, read once
  EXPECT_TRUE(t.at("transposed").is_contiguous());
  EXPECT_TRUE(t.at("permuted").is_contiguous());
  std::string message = error_of([&] { archive.tensors({"model_state_dict"}, "decoder."); });
  EXPECT_NE(message.find("no key of 'model_state_dict' starts with 'decoder.'"),
            std::string::npos) << message;
}

TEST(PthArchive, MissingKeyPathListsTheKeysThatExist) {
  PthArchive archive(kPthDir + "checkpoint.pth");
  std::string message = error_of([&] { archive.at({"state_dict"}); });
  EXPECT_NE(message.find("no key 'state_dict'"), std::string::npos) << message;
  EXPECT_NE(message.find("'model_state_dict'"), std::string::npos) << message;
  EXPECT_NE(message.find("'epoch'"), std::string::npos) << message;
  message = error_of([&] { archive.at({"nested", "inner", "v"}); });
  EXPECT_NE(message.find("'nested/inner'"), std::string::npos) << message;
  EXPECT_NE(message.find("'w'"), std::string::npos) << message;
  message = error_of([&] { archive.at({"epoch", "x"}); });
  EXPECT_NE(message.find("not a dict"), std::string::npos) << message;
  message = error_of([&] { archive.tensors({"epoch"}); });
  EXPECT_NE(message.find("not a dict of tensors"), std::string::npos) << message;
}

TEST(PthArchive, NonAllowedGlobalsNeverRunAndAreNamed) {
  for (const auto& line : expected_lines("error")) {
    SCOPED_TRACE(line.file);
    const std::string& fragment = line.rest.at(0);
    PthOptions strict;
    strict.allow_opaque_objects = false;
    std::string message = error_of([&] { PthArchive archive(kPthDir + line.file, strict); });
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
    EXPECT_NE(message.find(line.file), std::string::npos) << message;
  }
  // Inert by default: the weights beside the object load, the object itself cannot be used.
  PthArchive sibling(kPthDir + "evil_sibling.pth");
  EXPECT_EQ(sibling.tensors({"model_state_dict"}).size(), 1u);
  PickleValuePtr payload = sibling.at({"payload"});
  ASSERT_TRUE(payload->is(PickleKind::Opaque));
  EXPECT_EQ(payload->text, "posix.system");
  std::string message = error_of([&] { sibling.tensors({"payload"}); });
  EXPECT_NE(message.find("posix.system"), std::string::npos) << message;
  PthArchive in_state(kPthDir + "evil_in_state.pth");
  message = error_of([&] { in_state.tensors({"model_state_dict"}); });
  EXPECT_NE(message.find("entry 'hook'"), std::string::npos) << message;
  EXPECT_NE(message.find("posix.system"), std::string::npos) << message;
  PthArchive checkpoint(kPthDir + "checkpoint.pth");
  EXPECT_EQ(checkpoint.at({"args"})->text, "argparse.Namespace");
}

// Issue 15, defect 3: a 1.7 KB file whose one tensor is a stride-0 view of a single element with
// shape (2^15, 2^14) once made the reader allocate and fill 2 GiB before any check.
TEST(PthArchive, ExpandingViewIsComparedAndRefusedBeforeAnyAllocation) {
  const std::string file = kPthDir + "expanded_view.pth";
  PthArchive archive(file);
  reset_peak_memory(Device::cpu());
  const size_t before = memory_stats(Device::cpu()).current_bytes;

  // Names and shapes come from the pickle alone, so a loader can compare them first.
  const auto shapes = archive.shapes({"model_state_dict"}, "image_encoder.");
  ASSERT_EQ(shapes.size(), 1u);
  EXPECT_EQ(shapes[0].first, "pos_embed");
  EXPECT_EQ(shapes[0].second, (Shape{32768, 16384}));
  EXPECT_ERROR_MENTIONS(check_tensor_shapes(shapes, {{"pos_embed", {1, 8, 8, 8, 4}}}, file), file,
                        "'pos_embed' expected [1, 8, 8, 8, 4], found [32768, 16384]");

  // Materialising it anyway is refused, naming the file and the key.
  EXPECT_ERROR_MENTIONS(archive.tensors({"model_state_dict"}, "image_encoder."), file,
                        "'image_encoder.pos_embed'", "[32768, 16384]", "expand more than 16");
  EXPECT_LT(memory_stats(Device::cpu()).peak_bytes, before + (size_t(1) << 20));
}

TEST(PthArchive, ModestBroadcastViewsStillLoad) {
  // tensors.pth's "expanded" entry is a (2, 3) stride-0 view of three elements.
  PthArchive archive(kPthDir + "tensors.pth");
  TensorMap t = archive.tensors({});
  ASSERT_TRUE(t.contains("expanded"));
  EXPECT_EQ(t.at("expanded").shape(), (Shape{2, 3}));
}

TEST(PthArchive, ForeignFilesAreRefusedClearly) {
  std::string message = error_of([&] { PthArchive a(kPthDir + "legacy.pth"); });
  EXPECT_NE(message.find("legacy (non-zip) torch serialization"), std::string::npos) << message;
  message = error_of([&] { PthArchive a(std::string(SEMISAM_TEST_DATA_DIR) + "/zip/zip64.zip"); });
  EXPECT_NE(message.find("missing data.pkl"), std::string::npos) << message;
  message = error_of([&] { PthArchive a(kPthDir + "expected.txt"); });
  EXPECT_NE(message.find("not a zip archive"), std::string::npos) << message;
  message = error_of([&] { PthArchive a(kPthDir + "no_such_file.pth"); });
  EXPECT_NE(message.find("cannot open"), std::string::npos) << message;
}

// Reads everything a state-dict load would: the pickle and every tensor.
void load_everything(const std::string& path, const PthOptions& options) {
  PthArchive archive(path, options);
  archive.tensors({});
}

TEST(PthArchive, TruncatedFilesFail) {
  const std::string bytes = test::read_bytes(kPthDir + "tensors.pth");
  test::TempDir dir;
  const std::string path = dir.file("cut.pth");
  for (size_t keep = 0; keep < bytes.size(); keep += 97) {
    test::write_bytes(path, bytes.substr(0, keep));
    std::string message = error_of([&] { load_everything(path, {}); });
    EXPECT_NE(message.find("cut.pth"), std::string::npos) << "kept " << keep << ": " << message;
  }
}

TEST(PthArchive, CorruptedEntriesAreNamed) {
  const std::string bytes = test::read_bytes(kPthDir + "tensors.pth");
  ZipReader zip(kPthDir + "tensors.pth");
  test::TempDir dir;
  const std::string path = dir.file("bad.pth");
  for (const char* name : {"tensors/data.pkl", "tensors/data/3"}) {
    const ZipEntry* entry = zip.find(name);
    ASSERT_NE(entry, nullptr) << name;
    std::string bad = bytes;
    bad[size_t(zip.data_offset(*entry) + entry->uncompressed_size / 2)] ^= 0x40;
    test::write_bytes(path, bad);
    std::string message = error_of([&] { load_everything(path, {}); });
    EXPECT_NE(message.find(std::string("entry '") + name + "' is corrupt (CRC-32 mismatch)"),
              std::string::npos) << message;
  }
}

TEST(PthArchive, EveryByteFlipParsesOrThrowsWithoutCrashing) {
  // Without the CRC check, every damaged header field, pickle opcode and storage byte must be
  // either harmless or reported; nothing may crash or read out of bounds.
  const std::string bytes = test::read_bytes(kPthDir + "checkpoint.pth");
  test::TempDir dir;
  const std::string path = dir.file("flip.pth");
  PthOptions options;
  options.verify_crc = false;
  size_t failures = 0;
  for (size_t pos = 0; pos < bytes.size(); pos += 3) {
    std::string bad = bytes;
    bad[pos] = char(uint8_t(bad[pos]) ^ 0xa5);
    test::write_bytes(path, bad);
    try {
      PthArchive archive(path, options);
      archive.tensors({"model_state_dict"});
      archive.tensors({"nested", "inner"});
    } catch (const Error&) {
      ++failures;
    }
  }
  EXPECT_GT(failures, 0u);
}

}  // namespace
}  // namespace semisam::io

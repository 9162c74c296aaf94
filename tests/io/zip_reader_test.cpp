// Zip reader tests: fixtures from Python's zipfile and a hand-written ZIP64 archive, an archive
// with an entry beyond 4 GiB (sparse file), and truncated or corrupted archives.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/error_text.h"
#include "common/temp_dir.h"
#include "io/zip_reader.h"
#include "tensor/error.h"

namespace semisam::io {
namespace {

const std::string kZipDir = std::string(SEMISAM_TEST_DATA_DIR) + "/zip/";

struct ExpectedEntry {
  std::string archive, name;
  int method = 0;
  uint64_t size = 0;
  uint32_t crc = 0;
  std::string head_hex;
};

std::vector<ExpectedEntry> load_expected() {
  std::ifstream in(kZipDir + "expected.txt");
  EXPECT_TRUE(in.good()) << "missing " << kZipDir << "expected.txt";
  std::vector<ExpectedEntry> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    ExpectedEntry e;
    std::string crc_hex;
    fields >> e.archive >> e.name >> e.method >> e.size >> crc_hex >> e.head_hex;
    e.crc = uint32_t(std::stoul(crc_hex, nullptr, 16));
    out.push_back(e);
  }
  return out;
}

std::string hex(const uint8_t* data, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += digits[data[i] >> 4];
    s += digits[data[i] & 15];
  }
  return s.empty() ? "-" : s;
}

using semisam::test::error_of;

TEST(ZipReader, ReadsFixtureEntriesAsPythonWroteThem) {
  auto expected = load_expected();
  ASSERT_EQ(expected.size(), 10u);
  for (const auto& e : expected) {
    SCOPED_TRACE(e.archive + " " + e.name);
    ZipReader zip(kZipDir + e.archive);
    const ZipEntry* entry = zip.find(e.name);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->method, e.method);
    EXPECT_EQ(entry->uncompressed_size, e.size);
    EXPECT_EQ(entry->crc32, e.crc);
    std::vector<uint8_t> data = zip.read(*entry);
    ASSERT_EQ(data.size(), e.size);
    EXPECT_EQ(hex(data.data(), std::min<size_t>(16, data.size())), e.head_hex);
    uint32_t crc = uint32_t(::crc32(0L, data.data(), uInt(data.size())));
    EXPECT_EQ(crc, e.crc);
  }
}

TEST(ZipReader, Zip64ArchiveMatchesPlainArchive) {
  ZipReader plain(kZipDir + "store_deflate.zip");
  ZipReader zip64(kZipDir + "zip64.zip");
  ASSERT_EQ(plain.entries().size(), zip64.entries().size());
  for (size_t i = 0; i < plain.entries().size(); ++i) {
    const ZipEntry& a = plain.entries()[i];
    const ZipEntry& b = zip64.entries()[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(plain.read(a), zip64.read(b)) << a.name;
  }
}

TEST(ZipReader, ReadsIntoCallerBufferAndChecksItsSize) {
  ZipReader zip(kZipDir + "store_deflate.zip");
  const ZipEntry* entry = zip.find("text/deflated.txt");
  ASSERT_NE(entry, nullptr);
  std::vector<uint8_t> buffer(entry->uncompressed_size);
  zip.read(*entry, buffer.data(), buffer.size());
  EXPECT_EQ(buffer, zip.read(*entry));
  std::string message = error_of([&] { zip.read(*entry, buffer.data(), buffer.size() - 1); });
  EXPECT_NE(message.find("text/deflated.txt"), std::string::npos) << message;
  EXPECT_EQ(zip.find("no/such/entry"), nullptr);
}

TEST(ZipReader, RejectsFilesThatAreNotZipArchives) {
  test::TempDir dir;
  test::write_bytes(dir.file("text.txt"), "this is not a zip archive, just some text\n");
  std::string message = error_of([&] { ZipReader zip(dir.file("text.txt")); });
  EXPECT_NE(message.find("not a zip archive"), std::string::npos) << message;
  test::write_bytes(dir.file("empty"), "");
  message = error_of([&] { ZipReader zip(dir.file("empty")); });
  EXPECT_NE(message.find("not a zip archive"), std::string::npos) << message;
  message = error_of([&] { ZipReader zip(dir.file("missing.zip")); });
  EXPECT_NE(message.find("cannot open"), std::string::npos) << message;
}

TEST(ZipReader, TruncatedArchivesFailWithAnError) {
  const std::string bytes = test::read_bytes(kZipDir + "zip64.zip");
  test::TempDir dir;
  for (size_t keep : {size_t(0), size_t(10), size_t(100), bytes.size() / 2, bytes.size() - 30,
                      bytes.size() - 1}) {
    SCOPED_TRACE(keep);
    test::write_bytes(dir.file("cut.zip"), bytes.substr(0, keep));
    std::string message = error_of([&] {
      ZipReader zip(dir.file("cut.zip"));
      for (const ZipEntry& e : zip.entries()) zip.read(e);
    });
    EXPECT_FALSE(message.empty());
    EXPECT_NE(message.find("cut.zip"), std::string::npos) << message;
  }
}

TEST(ZipReader, CorruptedDataIsCaughtAndTheEntryNamed) {
  std::string bytes = test::read_bytes(kZipDir + "store_deflate.zip");
  test::TempDir dir;
  ZipReader original(kZipDir + "store_deflate.zip");
  for (const char* name : {"archive/data/0", "text/deflated.txt"}) {
    SCOPED_TRACE(name);
    const ZipEntry* entry = original.find(name);
    ASSERT_NE(entry, nullptr);
    std::string bad = bytes;
    bad[size_t(original.data_offset(*entry) + entry->compressed_size / 2)] ^= 0x5a;
    test::write_bytes(dir.file("bad.zip"), bad);
    ZipReader zip(dir.file("bad.zip"));
    std::string message = error_of([&] { zip.read(*zip.find(name)); });
    EXPECT_NE(message.find(std::string("'") + name + "'"), std::string::npos) << message;
    EXPECT_NE(message.find("corrupt"), std::string::npos) << message;
  }
  // A central directory that claims an entry far larger than the file.
  std::string huge = bytes;
  size_t record = huge.find(std::string("PK\x01\x02", 4));
  ASSERT_NE(record, std::string::npos);
  ASSERT_EQ(huge.compare(record + 46, 9, "hello.txt"), 0);
  for (int i = 0; i < 4; ++i) huge[record + 24 + size_t(i)] = char(0xf0 | i);
  test::write_bytes(dir.file("huge.zip"), huge);
  std::string claim = error_of([&] { ZipReader zip(dir.file("huge.zip")); });
  EXPECT_NE(claim.find("entry 'hello.txt' is truncated or corrupt"), std::string::npos) << claim;
  // A broken local header signature.
  std::string bad = bytes;
  const ZipEntry* first = original.find("hello.txt");
  bad[size_t(first->local_header_offset)] = 'X';
  test::write_bytes(dir.file("bad_header.zip"), bad);
  ZipReader zip(dir.file("bad_header.zip"));
  std::string message = error_of([&] { zip.read(*zip.find("hello.txt")); });
  EXPECT_NE(message.find("local header"), std::string::npos) << message;
}

void put16(std::string& s, uint16_t v) { s.append({char(v & 255), char(v >> 8)}); }
void put32(std::string& s, uint32_t v) { put16(s, uint16_t(v)), put16(s, uint16_t(v >> 16)); }
void put64(std::string& s, uint64_t v) { put32(s, uint32_t(v)), put32(s, uint32_t(v >> 32)); }

// An archive whose only entry starts past 4 GiB: the offset exists only in ZIP64 fields. The gap
// is a hole in a sparse file, so the test needs no disk space.
TEST(ZipReader, EntryBeyondFourGiB) {
  test::TempDir dir;
  const std::string path = dir.file("far.zip");
  const uint64_t offset = (uint64_t(1) << 32) + 4096;
  const std::string name = "archive/data/far";
  const std::string payload = "bytes stored past the 4 GiB mark";
  const uint32_t crc = uint32_t(::crc32(0L, reinterpret_cast<const Bytef*>(payload.data()),
                                        uInt(payload.size())));
  std::string local;
  put32(local, 0x04034b50), put16(local, 45), put16(local, 0), put16(local, 0), put32(local, 0);
  put32(local, crc), put32(local, uint32_t(payload.size())), put32(local, uint32_t(payload.size()));
  put16(local, uint16_t(name.size())), put16(local, 0);
  local += name + payload;
  std::string tail;
  put32(tail, 0x02014b50), put16(tail, 45), put16(tail, 45), put16(tail, 0), put16(tail, 0);
  put32(tail, 0), put32(tail, crc), put32(tail, uint32_t(payload.size()));
  put32(tail, uint32_t(payload.size())), put16(tail, uint16_t(name.size())), put16(tail, 12);
  put16(tail, 0), put16(tail, 0), put16(tail, 0), put32(tail, 0), put32(tail, 0xffffffffu);
  tail += name;
  put16(tail, 1), put16(tail, 8), put64(tail, offset);
  const uint64_t cd_offset = offset + local.size(), cd_size = tail.size();
  const uint64_t z64_offset = cd_offset + cd_size;
  put32(tail, 0x06064b50), put64(tail, 44), put16(tail, 45), put16(tail, 45), put32(tail, 0);
  put32(tail, 0), put64(tail, 1), put64(tail, 1), put64(tail, cd_size), put64(tail, cd_offset);
  put32(tail, 0x07064b50), put32(tail, 0), put64(tail, z64_offset), put32(tail, 1);
  put32(tail, 0x06054b50), put16(tail, 0), put16(tail, 0), put16(tail, 0xffff);
  put16(tail, 0xffff), put32(tail, 0xffffffffu), put32(tail, 0xffffffffu), put16(tail, 0);
  std::string all = local + tail;

  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  bool written = ::ftruncate(fd, off_t(offset)) == 0 &&
                 ::pwrite(fd, all.data(), all.size(), off_t(offset)) == ssize_t(all.size());
  struct stat st {};
  ::fstat(fd, &st);
  ::close(fd);
  if (!written || uint64_t(st.st_blocks) * 512 > (uint64_t(1) << 30))
    GTEST_SKIP() << "the temporary file system cannot hold a sparse 4 GiB file";

  ZipReader zip(path);
  ASSERT_EQ(zip.entries().size(), 1u);
  EXPECT_EQ(zip.entries()[0].local_header_offset, offset);
  std::vector<uint8_t> data = zip.read(zip.entries()[0]);
  EXPECT_EQ(std::string(data.begin(), data.end()), payload);
}

}  // namespace
}  // namespace semisam::io

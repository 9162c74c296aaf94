// Zip archive reading: end-of-central-directory search, ZIP64 records and extra fields, the
// central directory, local headers, STORE/DEFLATE entry data and CRC-32 checks.
#include "io/zip_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "tensor/error.h"

namespace semisam::io {
namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kZip64EndSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr size_t kEndRecordSize = 22;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kZip64EndSize = 56;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kLocalHeaderSize = 30;
constexpr uint64_t kMaxComment = 0xffff;

uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
uint32_t le32(const uint8_t* p) { return uint32_t(le16(p)) | (uint32_t(le16(p + 2)) << 16); }
uint64_t le64(const uint8_t* p) { return uint64_t(le32(p)) | (uint64_t(le32(p + 4)) << 32); }

// Fills the 0xffffffff placeholders of a central directory record from its ZIP64 extra field
// (tag 0x0001), whose values appear only for the fields that overflowed, in this fixed order.
void apply_zip64_extra(const uint8_t* extra, size_t size, bool need_usize, bool need_csize,
                       bool need_offset, ZipEntry& entry, const std::string& path) {
  size_t pos = 0;
  while (pos + 4 <= size) {
    uint16_t tag = le16(extra + pos);
    uint16_t len = le16(extra + pos + 2);
    SEMISAM_CHECK(pos + 4 + len <= size, path, ": entry '", entry.name,
                  "' has a malformed extra field");
    if (tag == 0x0001) {
      const uint8_t* field = extra + pos + 4;
      size_t used = 0;
      auto take = [&](uint64_t& value) {
        SEMISAM_CHECK(used + 8 <= len, path, ": entry '", entry.name,
                      "' has a ZIP64 extra field too short for its sizes/offset");
        value = le64(field + used);
        used += 8;
      };
      if (need_usize) take(entry.uncompressed_size);
      if (need_csize) take(entry.compressed_size);
      if (need_offset) take(entry.local_header_offset);
      return;
    }
    pos += 4 + len;
  }
  SEMISAM_FAIL(path, ": entry '", entry.name,
               "' needs a ZIP64 extra field (its sizes or offset overflow 32 bits) but has none");
}

}  // namespace

bool looks_like_zip(const uint8_t* bytes, size_t size) {
  if (size < 4) return false;
  uint32_t sig = le32(bytes);
  return sig == kLocalHeaderSig || sig == kEndSig;
}

ZipReader::ZipReader(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  SEMISAM_CHECK(fd_ >= 0, path, ": cannot open (", std::strerror(errno), ")");
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    SEMISAM_FAIL(path, ": not a regular file");
  }
  file_size_ = uint64_t(st.st_size);
  try {
    parse_central_directory();
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

ZipReader::~ZipReader() {
  if (fd_ >= 0) ::close(fd_);
}

ZipReader::ZipReader(ZipReader&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), file_size_(other.file_size_),
      entries_(std::move(other.entries_)) {
  other.fd_ = -1;
}

ZipReader& ZipReader::operator=(ZipReader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    file_size_ = other.file_size_;
    entries_ = std::move(other.entries_);
    other.fd_ = -1;
  }
  return *this;
}

void ZipReader::read_at(uint64_t offset, void* dst, uint64_t size, const char* what) const {
  SEMISAM_CHECK(offset <= file_size_ && size <= file_size_ - offset, path_, ": truncated (",
                what, " at byte ", offset, " needs ", size, " bytes; the file has ", file_size_,
                ")");
  auto* out = static_cast<uint8_t*>(dst);
  while (size > 0) {
    size_t chunk = size_t(std::min<uint64_t>(size, uint64_t(1) << 30));
    ssize_t got = ::pread(fd_, out, chunk, off_t(offset));
    if (got < 0 && errno == EINTR) continue;
    SEMISAM_CHECK(got > 0, path_, ": read error in ", what, " at byte ", offset, " (",
                  got < 0 ? std::strerror(errno) : "unexpected end of file", ")");
    out += got;
    offset += uint64_t(got);
    size -= uint64_t(got);
  }
}

void ZipReader::parse_central_directory() {
  SEMISAM_CHECK(file_size_ >= kEndRecordSize, path_, ": not a zip archive (", file_size_,
                " bytes, too small for an end-of-central-directory record)");
  // The end record sits in the last 22 + 65535 bytes (it may be followed by a comment).
  uint64_t tail_size = std::min<uint64_t>(file_size_, kEndRecordSize + kMaxComment);
  std::vector<uint8_t> tail(tail_size);
  read_at(file_size_ - tail_size, tail.data(), tail_size, "end of central directory search");
  int64_t end_pos = -1;
  for (int64_t i = int64_t(tail_size - kEndRecordSize); i >= 0; --i) {
    if (le32(&tail[size_t(i)]) == kEndSig &&
        uint64_t(i) + kEndRecordSize + le16(&tail[size_t(i) + 20]) <= tail_size) {
      end_pos = i;
      break;
    }
  }
  SEMISAM_CHECK(end_pos >= 0, path_,
                ": not a zip archive (no end-of-central-directory record; the file may be "
                "truncated or not a torch.save zip archive)");
  const uint8_t* end = &tail[size_t(end_pos)];
  uint64_t end_offset = file_size_ - tail_size + uint64_t(end_pos);
  SEMISAM_CHECK(le16(end + 4) == 0 && le16(end + 6) == 0, path_,
                ": multi-disk zip archives are not supported");
  uint64_t count = le16(end + 10);
  uint64_t cd_size = le32(end + 12);
  uint64_t cd_offset = le32(end + 16);

  if (count == 0xffff || cd_size == 0xffffffffu || cd_offset == 0xffffffffu) {
    SEMISAM_CHECK(end_offset >= kZip64LocatorSize, path_,
                  ": ZIP64 archive without a ZIP64 end-of-central-directory locator");
    uint8_t locator[kZip64LocatorSize];
    read_at(end_offset - kZip64LocatorSize, locator, kZip64LocatorSize, "ZIP64 locator");
    SEMISAM_CHECK(le32(locator) == kZip64LocatorSig, path_,
                  ": ZIP64 archive without a ZIP64 end-of-central-directory locator");
    uint64_t z64_offset = le64(locator + 8);
    uint8_t z64[kZip64EndSize];
    read_at(z64_offset, z64, kZip64EndSize, "ZIP64 end-of-central-directory record");
    SEMISAM_CHECK(le32(z64) == kZip64EndSig, path_,
                  ": corrupt ZIP64 end-of-central-directory record at byte ", z64_offset);
    count = le64(z64 + 32);
    cd_size = le64(z64 + 40);
    cd_offset = le64(z64 + 48);
  }
  SEMISAM_CHECK(cd_offset <= file_size_ && cd_size <= file_size_ - cd_offset, path_,
                ": truncated or corrupt (central directory of ", cd_size, " bytes at byte ",
                cd_offset, " lies outside the ", file_size_, "-byte file)");
  SEMISAM_CHECK(count <= cd_size / kCentralHeaderSize, path_, ": corrupt central directory (",
                count, " entries cannot fit in ", cd_size, " bytes)");

  std::vector<uint8_t> cd(cd_size);
  read_at(cd_offset, cd.data(), cd_size, "central directory");
  entries_.reserve(size_t(count));
  size_t pos = 0;
  for (uint64_t i = 0; i < count; ++i) {
    SEMISAM_CHECK(pos + kCentralHeaderSize <= cd.size() && le32(&cd[pos]) == kCentralHeaderSig,
                  path_, ": corrupt central directory (record ", i, " at byte ", cd_offset + pos,
                  ")");
    const uint8_t* h = &cd[pos];
    ZipEntry e;
    e.flags = le16(h + 8);
    e.method = le16(h + 10);
    e.crc32 = le32(h + 16);
    e.compressed_size = le32(h + 20);
    e.uncompressed_size = le32(h + 24);
    size_t name_len = le16(h + 28), extra_len = le16(h + 30), comment_len = le16(h + 32);
    e.local_header_offset = le32(h + 42);
    SEMISAM_CHECK(pos + kCentralHeaderSize + name_len + extra_len + comment_len <= cd.size(),
                  path_, ": corrupt central directory (record ", i, " runs past its end)");
    e.name.assign(reinterpret_cast<const char*>(h + kCentralHeaderSize), name_len);
    bool need_usize = e.uncompressed_size == 0xffffffffu;
    bool need_csize = e.compressed_size == 0xffffffffu;
    bool need_offset = e.local_header_offset == 0xffffffffu;
    if (need_usize || need_csize || need_offset)
      apply_zip64_extra(h + kCentralHeaderSize + name_len, extra_len, need_usize, need_csize,
                        need_offset, e, path_);
    pos += kCentralHeaderSize + name_len + extra_len + comment_len;
    // Sizes the file cannot hold are refused here, before anyone allocates memory for them.
    // DEFLATE expands by at most about 1032:1.
    SEMISAM_CHECK(e.compressed_size <= file_size_ && e.local_header_offset < file_size_ &&
                      (e.method != 0 || e.uncompressed_size == e.compressed_size) &&
                      (e.method != 8 || e.uncompressed_size <= e.compressed_size * 1032 + 64),
                  path_, ": entry '", e.name, "' is truncated or corrupt (it claims ",
                  e.compressed_size, " stored and ", e.uncompressed_size,
                  " uncompressed bytes at byte ", e.local_header_offset, " of a ", file_size_,
                  "-byte file)");
    entries_.push_back(std::move(e));
  }
}

const ZipEntry* ZipReader::find(const std::string& name) const {
  for (const ZipEntry& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

uint64_t ZipReader::data_offset(const ZipEntry& entry) const {
  uint8_t h[kLocalHeaderSize];
  SEMISAM_CHECK(entry.local_header_offset < file_size_, path_, ": entry '", entry.name,
                "' is truncated or corrupt (its local header offset ", entry.local_header_offset,
                " is past the end of the ", file_size_, "-byte file)");
  read_at(entry.local_header_offset, h, kLocalHeaderSize, "local header");
  SEMISAM_CHECK(le32(h) == kLocalHeaderSig, path_, ": entry '", entry.name,
                "' is corrupt (no local header signature at byte ", entry.local_header_offset,
                ")");
  uint64_t name_len = le16(h + 26), extra_len = le16(h + 28);
  SEMISAM_CHECK(name_len == entry.name.size(), path_, ": entry '", entry.name,
                "' is corrupt (local header name differs from the central directory)");
  return entry.local_header_offset + kLocalHeaderSize + name_len + extra_len;
}

void ZipReader::read(const ZipEntry& entry, void* dst, uint64_t dst_size, bool verify_crc) const {
  SEMISAM_CHECK(dst_size == entry.uncompressed_size, path_, ": entry '", entry.name, "' holds ",
                entry.uncompressed_size, " bytes, caller expected ", dst_size);
  SEMISAM_CHECK((entry.flags & 1u) == 0, path_, ": entry '", entry.name,
                "' is encrypted (not supported)");
  uint64_t offset = data_offset(entry);
  SEMISAM_CHECK(offset <= file_size_ && entry.compressed_size <= file_size_ - offset, path_,
                ": entry '", entry.name, "' is truncated (", entry.compressed_size,
                " bytes at byte ", offset, " run past the end of the ", file_size_,
                "-byte file)");
  auto* out = static_cast<uint8_t*>(dst);
  if (entry.method == 0) {
    SEMISAM_CHECK(entry.compressed_size == entry.uncompressed_size, path_, ": entry '",
                  entry.name, "' is corrupt (stored entry with compressed size ",
                  entry.compressed_size, " != uncompressed size ", entry.uncompressed_size, ")");
    read_at(offset, out, dst_size, "entry data");
  } else if (entry.method == 8) {
    inflate_entry(entry, offset, out);
  } else {
    SEMISAM_FAIL(path_, ": entry '", entry.name, "' uses compression method ", entry.method,
                 " (only STORE 0 and DEFLATE 8 are supported)");
  }
  if (verify_crc) {
    uLong crc = ::crc32(0L, Z_NULL, 0);
    for (uint64_t done = 0; done < dst_size;) {
      uInt chunk = uInt(std::min<uint64_t>(dst_size - done, uint64_t(1) << 30));
      crc = ::crc32(crc, out + done, chunk);
      done += chunk;
    }
    SEMISAM_CHECK(uint32_t(crc) == entry.crc32, path_, ": entry '", entry.name,
                  "' is corrupt (CRC-32 mismatch)");
  }
}

std::vector<uint8_t> ZipReader::read(const ZipEntry& entry, bool verify_crc) const {
  std::vector<uint8_t> data(size_t(entry.uncompressed_size));
  read(entry, data.data(), data.size(), verify_crc);
  return data;
}

void ZipReader::inflate_entry(const ZipEntry& entry, uint64_t offset, uint8_t* dst) const {
  z_stream zs{};
  SEMISAM_CHECK(inflateInit2(&zs, -MAX_WBITS) == Z_OK, path_, ": zlib inflateInit failed");
  std::vector<uint8_t> in(std::min<uint64_t>(entry.compressed_size, 1u << 20) + 1);
  uint64_t read_so_far = 0, produced = 0;
  int status = Z_OK;
  try {
    while (status != Z_STREAM_END) {
      if (zs.avail_in == 0) {
        uint64_t chunk = std::min<uint64_t>(entry.compressed_size - read_so_far, in.size());
        SEMISAM_CHECK(chunk > 0, path_, ": entry '", entry.name,
                      "' is corrupt (deflate stream ends early)");
        read_at(offset + read_so_far, in.data(), chunk, "entry data");
        read_so_far += chunk;
        zs.next_in = in.data();
        zs.avail_in = uInt(chunk);
      }
      uint64_t room = entry.uncompressed_size - produced;
      zs.next_out = dst + produced;
      zs.avail_out = uInt(std::min<uint64_t>(room, uint64_t(1) << 30));
      uInt before = zs.avail_out;
      status = ::inflate(&zs, Z_NO_FLUSH);
      produced += before - zs.avail_out;
      SEMISAM_CHECK(status == Z_OK || status == Z_STREAM_END ||
                        (status == Z_BUF_ERROR && room > 0 && zs.avail_in == 0),
                    path_, ": entry '", entry.name, "' is corrupt (deflate error: ",
                    zs.msg ? zs.msg : (room == 0 ? "more data than its declared size" : "?"),
                    ")");
    }
    SEMISAM_CHECK(produced == entry.uncompressed_size, path_, ": entry '", entry.name,
                  "' is corrupt (inflated to ", produced, " bytes, declared ",
                  entry.uncompressed_size, ")");
  } catch (...) {
    inflateEnd(&zs);
    throw;
  }
  inflateEnd(&zs);
}

}  // namespace semisam::io

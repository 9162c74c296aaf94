// A read-only zip archive reader (central directory, ZIP64, STORE and DEFLATE) that reads each
// entry straight from the file into the caller's memory: what torch.save archives need.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace semisam::io {

struct ZipEntry {
  std::string name;
  uint16_t method = 0;            // 0 = STORE, 8 = DEFLATE; others are refused on read
  uint16_t flags = 0;
  uint32_t crc32 = 0;
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  uint64_t local_header_offset = 0;
};

// An open archive. Holds the file descriptor and the parsed central directory only; entry data is
// read on request, so a 400 MB checkpoint is never held twice in memory.
class ZipReader {
 public:
  explicit ZipReader(const std::string& path);  // throws when not a (readable) zip archive
  ~ZipReader();
  ZipReader(ZipReader&& other) noexcept;
  ZipReader& operator=(ZipReader&& other) noexcept;
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  const std::string& path() const { return path_; }
  uint64_t file_size() const { return file_size_; }
  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(const std::string& name) const;  // nullptr when absent

  // Reads the whole uncompressed entry into dst, which must hold exactly uncompressed_size bytes.
  // Checks the local header, the sizes and (when verify_crc) the CRC-32; errors name the entry.
  void read(const ZipEntry& entry, void* dst, uint64_t dst_size, bool verify_crc = true) const;
  std::vector<uint8_t> read(const ZipEntry& entry, bool verify_crc = true) const;

  // Offset of the entry's first data byte (after its local header).
  uint64_t data_offset(const ZipEntry& entry) const;

 private:
  void read_at(uint64_t offset, void* dst, uint64_t size, const char* what) const;
  void parse_central_directory();
  void inflate_entry(const ZipEntry& entry, uint64_t offset, uint8_t* dst) const;

  std::string path_;
  int fd_ = -1;
  uint64_t file_size_ = 0;
  std::vector<ZipEntry> entries_;
};

// Whether the first bytes of a file look like a zip archive (a local file header or an empty
// archive's end record).
bool looks_like_zip(const uint8_t* bytes, size_t size);

}  // namespace semisam::io

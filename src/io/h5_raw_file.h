// Reading an HDF5 file's own bytes, beside libhdf5, for the few structures that libhdf5 1.10
// trusts without checking and that a damaged or hostile file can use to crash it or make it
// allocate gigabytes: the superblock's driver-information block (checked before H5Fopen) and the
// global heap (h5_vlen_string.h). Layouts are those of the HDF5 file format specification.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace semisam::io::h5 {

// Positioned reads of a file that refuse to read past its end.
class RawFile {
 public:
  // `what` names the file (and object) in messages.
  RawFile(const std::string& path, std::string what);
  // The descriptor of a file that is already open (libhdf5's own), borrowed: not closed here.
  static RawFile borrow(int fd, std::string what);
  ~RawFile();
  RawFile(const RawFile&) = delete;
  RawFile& operator=(const RawFile&) = delete;
  RawFile(RawFile&& other) noexcept
      : what_(std::move(other.what_)), fd_(other.fd_), owned_(other.owned_), size_(other.size_) {
    other.fd_ = -1;
  }

  uint64_t size() const { return size_; }
  bool holds(uint64_t offset, uint64_t count) const {
    return offset <= size_ && count <= size_ - offset;
  }
  // `count` bytes at `offset`; past the end of the file is an error naming `part`.
  std::vector<unsigned char> read(uint64_t offset, uint64_t count, const char* part) const;

 private:
  RawFile() = default;
  std::string what_;
  int fd_ = -1;
  bool owned_ = true;
  uint64_t size_ = 0;
};

struct Superblock {
  uint64_t location = 0;  // where the signature is; every address in the file is relative to it
  unsigned version = 0;
  unsigned sizeof_offsets = 8;  // 2, 4, 8, 16 or 32 bytes
  unsigned sizeof_lengths = 8;
};

// The superblock, searched for where HDF5 searches (0, 512, 1024, 2048, ...); nullopt-like
// `found == false` when the file has none (HDF5's own open then says so).
struct SuperblockSearch {
  bool found = false;
  Superblock superblock;
};
SuperblockSearch find_superblock(const RawFile& file, const std::string& where);

// Before H5Fopen: what libhdf5 1.10 would otherwise trust. A version-0/1 superblock may point to
// a driver-information block whose 4-byte size field HDF5 allocates before reading it (a
// 4 KB file asked for 4 GB); that block must lie inside the file. Errors name the file.
void check_before_opening(const std::string& path);

inline uint64_t little_endian(const unsigned char* bytes, unsigned count) {
  uint64_t value = 0;
  for (unsigned i = count; i-- > 0;) value = (value << 8) | bytes[i];
  return value;
}

}  // namespace semisam::io::h5

// HDF5 structures read from the file's bytes (see the header).
#include "io/h5_raw_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tensor/error.h"

namespace semisam::io::h5 {

RawFile::RawFile(const std::string& path, std::string what) : what_(std::move(what)) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  SEMISAM_CHECK(fd_ >= 0, what_, ": cannot open ", path, ": ", std::strerror(errno));
  off_t end = ::lseek(fd_, 0, SEEK_END);
  if (end < 0) {
    int error = errno;
    ::close(fd_);
    SEMISAM_FAIL(what_, ": cannot size ", path, ": ", std::strerror(error));
  }
  size_ = uint64_t(end);
}

RawFile RawFile::borrow(int fd, std::string what) {
  RawFile file;
  file.what_ = std::move(what);
  file.fd_ = fd;
  file.owned_ = false;
  struct stat status {};
  SEMISAM_CHECK(::fstat(fd, &status) == 0, file.what_,
                ": cannot size the open file: ", std::strerror(errno));
  file.size_ = uint64_t(status.st_size);
  return file;
}

RawFile::~RawFile() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

std::vector<unsigned char> RawFile::read(uint64_t offset, uint64_t count, const char* part) const {
  SEMISAM_CHECK(holds(offset, count), what_, ": its ", part, " (", count, " bytes at ", offset,
                ") lies beyond the end of the file (", size_, " bytes); the file is damaged");
  std::vector<unsigned char> bytes(count);
  size_t done = 0;
  while (done < count) {
    ssize_t got = ::pread(fd_, bytes.data() + done, count - done, off_t(offset + done));
    if (got < 0 && errno == EINTR) continue;
    SEMISAM_CHECK(got > 0, what_, ": reading its ", part, ": ",
                  got < 0 ? std::strerror(errno) : "the file shrank while being read");
    done += size_t(got);
  }
  return bytes;
}

SuperblockSearch find_superblock(const RawFile& file, const std::string& where) {
  static const unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  SuperblockSearch search;
  for (uint64_t at = 0; file.holds(at, 16); at = at == 0 ? 512 : at * 2) {
    std::vector<unsigned char> head = file.read(at, 16, "superblock");
    if (std::memcmp(head.data(), kSignature, 8) != 0) continue;
    Superblock& block = search.superblock;
    block.location = at;
    block.version = head[8];
    // Versions 0 and 1 keep the sizes at bytes 13 and 14, versions 2 and 3 at 9 and 10.
    if (block.version <= 1) {
      block.sizeof_offsets = head[13];
      block.sizeof_lengths = head[14];
    } else if (block.version <= 3) {
      block.sizeof_offsets = head[9];
      block.sizeof_lengths = head[10];
    } else {
      SEMISAM_FAIL(where, ": HDF5 superblock version ", block.version,
                   " is not one this reader knows (0 to 3)");
    }
    // The sizes HDF5 itself accepts (H5Pset_sizes).
    auto valid = [](unsigned size) {
      return size == 2 || size == 4 || size == 8 || size == 16 || size == 32;
    };
    SEMISAM_CHECK(valid(block.sizeof_offsets) && valid(block.sizeof_lengths), where,
                  ": the HDF5 superblock declares ", block.sizeof_offsets, "-byte addresses and ",
                  block.sizeof_lengths, "-byte lengths; the file is damaged");
    search.found = true;
    return search;
  }
  return search;
}

void check_before_opening(const std::string& path) {
  RawFile file(path, path);
  SuperblockSearch search = find_superblock(file, path);
  if (!search.found) return;  // HDF5 says "file signature not found"
  const Superblock& block = search.superblock;
  if (block.version > 1) return;  // no driver-information block address in versions 2 and 3
  // Version 0: 24 bytes of fixed fields, version 1: 28; then the base, free-space, end-of-file
  // and driver-information addresses, each sizeof_offsets bytes. Addresses wider than 64 bits
  // (legal, never seen) are left to HDF5.
  const unsigned O = block.sizeof_offsets;
  if (O > 8) return;
  const uint64_t addresses = block.location + (block.version == 0 ? 24 : 28);
  std::vector<unsigned char> fields = file.read(addresses, 4 * uint64_t(O), "superblock");
  const uint64_t driver_block = little_endian(fields.data() + 3 * O, O);
  const uint64_t undefined = O == 8 ? ~uint64_t(0) : (uint64_t(1) << (8 * O)) - 1;
  if (driver_block == undefined) return;
  // The block: version, 3 reserved bytes, a 4-byte size of the information, an 8-byte driver
  // name, then the information itself.
  SEMISAM_CHECK(driver_block <= file.size() - block.location, path,
                ": the HDF5 superblock's driver-information block address ", driver_block,
                " lies beyond the end of the file (", file.size(), " bytes); the file is damaged");
  std::vector<unsigned char> header =
      file.read(block.location + driver_block, 16, "driver-information block");
  const uint64_t information = little_endian(header.data() + 4, 4);
  SEMISAM_CHECK(file.holds(block.location + driver_block + 16, information), path,
                ": the HDF5 driver-information block at ", driver_block, " declares ", information,
                " bytes, more than the file holds after it; the file is damaged");
}

}  // namespace semisam::io::h5

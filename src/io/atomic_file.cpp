// Temporary-file, fsync and rename steps of atomic writes (POSIX).
#include "io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "tensor/error.h"

namespace semisam::io {
namespace {

void sync_path(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  SEMISAM_CHECK(fd >= 0, "cannot open ", path, " to flush it to disk: ", std::strerror(errno));
  int status = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  // Some file systems cannot sync directories; the rename itself is still atomic there.
  if (status != 0 && !(directory && (saved == EINVAL || saved == EROFS)))
    SEMISAM_FAIL("flushing ", path, " to disk failed: ", std::strerror(saved));
}

std::string directory_of(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace

std::string temporary_path_for(const std::string& target) {
  return target + ".tmp-" + std::to_string(::getpid());
}

void write_atomically(const std::string& target,
                      const std::function<void(const std::string& temporary_path)>& write) {
  std::string directory = directory_of(target);
  std::error_code error;
  SEMISAM_CHECK(std::filesystem::is_directory(directory, error), "cannot write ", target,
                ": directory ", directory, " does not exist");
  std::string temporary = temporary_path_for(target);
  try {
    write(temporary);
    sync_path(temporary, false);
    if (std::rename(temporary.c_str(), target.c_str()) != 0)
      SEMISAM_FAIL("renaming ", temporary, " to ", target, " failed: ", std::strerror(errno));
  } catch (...) {
    std::filesystem::remove(temporary, error);
    throw;
  }
  sync_path(directory, true);
}

void write_text_atomically(const std::string& target, const std::string& text) {
  write_atomically(target, [&](const std::string& temporary) {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    SEMISAM_CHECK(out.good(), "cannot create ", temporary);
    out.write(text.data(), std::streamsize(text.size()));
    out.flush();
    SEMISAM_CHECK(out.good(), "writing ", temporary, " failed");
  });
}

}  // namespace semisam::io

// Temporary-file, fsync and rename steps of atomic writes (POSIX).
#include "io/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

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

namespace {
// The pid of "<name>.tmp-<pid>", or 0 when `name` is not such a name.
pid_t temporary_owner(const std::string& name) {
  const size_t mark = name.rfind(".tmp-");
  if (mark == std::string::npos || mark == 0) return 0;
  const std::string digits = name.substr(mark + 5);
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return 0;
  return pid_t(std::stol(digits));
}

bool process_alive(pid_t pid) {
  // EPERM: it exists but belongs to someone else; only ESRCH says it is gone.
  return ::kill(pid, 0) == 0 || errno != ESRCH;
}
}  // namespace

std::vector<std::string> remove_stale_temporaries(const std::string& directory) {
  std::vector<std::string> stale;
  std::error_code error;
  std::filesystem::directory_iterator it(directory, error), end;
  for (; !error && it != end; it.increment(error)) {
    const pid_t owner = temporary_owner(it->path().filename().string());
    if (owner <= 0 || !it->is_regular_file(error)) continue;
    if (owner != ::getpid() && process_alive(owner)) continue;
    stale.push_back(it->path().string());
  }
  std::vector<std::string> removed;
  for (const std::string& path : stale) {
    std::error_code ignored;
    if (std::filesystem::remove(path, ignored)) removed.push_back(path);
  }
  return removed;
}

void write_new_file(const std::string& path, const void* bytes, size_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  SEMISAM_CHECK(fd >= 0, "cannot create ", path, ": ", std::strerror(errno));
  const char* data = static_cast<const char*>(bytes);
  int failure = 0;
  for (size_t done = 0; done < size && failure == 0;) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      failure = n < 0 ? errno : EIO;
    else
      done += size_t(n);
  }
  if (::close(fd) != 0 && failure == 0) failure = errno;
  if (failure != 0) SEMISAM_FAIL("writing ", path, " failed: ", std::strerror(failure));
}

void write_text_atomically(const std::string& target, const std::string& text) {
  write_atomically(target, [&](const std::string& temporary) {
    write_new_file(temporary, text.data(), text.size());
  });
}

}  // namespace semisam::io

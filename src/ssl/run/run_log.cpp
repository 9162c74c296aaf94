// RunLog: stdout plus an append-only log file.
#include "ssl/run/run_log.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdarg>
#include <filesystem>
#include <vector>

#include "tensor/error.h"

namespace semisam::ssl {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

RunLog::RunLog(const std::string& path, bool echo) : echo_(echo), start_(now_seconds()) {
  if (path.empty()) return;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  file_ = std::fopen(path.c_str(), "a");
  SEMISAM_CHECK(file_ != nullptr, "cannot open the log file ", path,
                " for appending: ", std::strerror(errno));
}

RunLog::~RunLog() {
  if (file_) std::fclose(file_);
}

double RunLog::elapsed_seconds() const { return now_seconds() - start_; }

void RunLog::line(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::vector<char> buffer(static_cast<size_t>(n > 0 ? n : 0) + 1);
  std::vsnprintf(buffer.data(), buffer.size(), format, args);
  va_end(args);
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "[%8.1fs] ", elapsed_seconds());
  if (echo_) {
    std::fputs(stamp, stdout);
    std::fputs(buffer.data(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }
  if (file_) {
    std::fputs(stamp, file_);
    std::fputs(buffer.data(), file_);
    std::fputc('\n', file_);
    std::fflush(file_);
  }
}

}  // namespace semisam::ssl

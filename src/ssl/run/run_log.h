// The training log: every line goes to standard output and, appended and flushed at once, to
// <experiment>/log.txt, so a crash loses nothing that was printed.
#pragma once

#include <cstdio>
#include <string>

namespace semisam::ssl {

class RunLog {
 public:
  // Appends to `path` (created with its folder if missing); an empty path logs to stdout only.
  explicit RunLog(const std::string& path = "", bool echo = true);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  // printf-style; a newline is added. Lines carry the wall-clock seconds since the log opened.
  void line(const char* format, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 2, 3)))
#endif
      ;
  double elapsed_seconds() const;

 private:
  std::FILE* file_ = nullptr;
  bool echo_;
  double start_;
};

}  // namespace semisam::ssl

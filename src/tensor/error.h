// Error checking for the whole library: macros that throw semisam::Error carrying the failed
// expression, a message, and the file and line. Library code never ends the process.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace semisam {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

[[noreturn]] void throw_error(const char* kind, const char* expr, const std::string& message,
                              const char* file, int line);

namespace detail {
// Streams any number of arguments into one string; used by the macros' message part.
inline std::string concat() { return {}; }
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}
}  // namespace detail

}  // namespace semisam

// SEMISAM_CHECK(cond, message parts...): throws semisam::Error when cond is false.
#define SEMISAM_CHECK(cond, ...)                                                              \
  do {                                                                                        \
    if (!(cond))                                                                              \
      ::semisam::throw_error("check failed", #cond, ::semisam::detail::concat(__VA_ARGS__),   \
                             __FILE__, __LINE__);                                             \
  } while (0)

// SEMISAM_FAIL(message parts...): throws unconditionally.
#define SEMISAM_FAIL(...)                                                                     \
  ::semisam::throw_error("error", "", ::semisam::detail::concat(__VA_ARGS__), __FILE__, __LINE__)

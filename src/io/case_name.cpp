// The case-name allow-list (see case_name.h).
#include "io/case_name.h"

#include <cstdio>

#include "tensor/error.h"

namespace semisam::io {

std::string case_name_problem(const std::string& name) {
  if (name.empty()) return "is empty";
  for (char c : name) {
    if (c == '/' || c == '\\') return "holds a path separator";
    if (c == '\0') return "holds a NUL character";
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "holds a control character";
  }
  if (name == "." || name == "..") return "is a directory reference, not a name";
  if (name[0] == '.') return "starts with '.'";
  return {};
}

namespace {
// The text with control characters as \xNN, so that a message shows what is really there.
std::string printable(const std::string& text) {
  std::string shown;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      shown += escaped;
    } else {
      shown += c;
    }
  }
  return shown;
}
}  // namespace

void check_case_name(const std::string& name, const std::string& source) {
  const std::string problem = case_name_problem(name);
  if (!problem.empty())
    SEMISAM_FAIL(printable(source), ": case name '", printable(name), "' ", problem,
                 "; a case name must be one file-name component (no '/', '..', NUL or leading "
                 "'.')");
}

}  // namespace semisam::io

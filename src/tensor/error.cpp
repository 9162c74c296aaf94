// Builds the text of semisam::Error and throws it.
#include "tensor/error.h"

namespace semisam {

void throw_error(const char* kind, const char* expr, const std::string& message, const char* file,
                 int line) {
  std::ostringstream out;
  out << message;
  if (expr && *expr) out << (message.empty() ? "" : " ") << "[" << kind << ": " << expr << "]";
  out << " (" << file << ":" << line << ")";
  throw Error(out.str());
}

}  // namespace semisam

// Comparing a list of named tensors with the names and shapes a model expects.
#include <set>

#include "io/checkpoint.h"
#include "tensor/error.h"

namespace semisam::io {
namespace {

// At most this many entries of each kind are spelled out; the count says how many there are.
constexpr size_t kListedPerKind = 8;

void describe(std::string& message, const char* title, const std::vector<std::string>& entries) {
  if (entries.empty()) return;
  message += "\n  " + std::to_string(entries.size()) + " " + title + ":";
  for (size_t i = 0; i < entries.size() && i < kListedPerKind; ++i) message += " " + entries[i] + ";";
  if (entries.size() > kListedPerKind) message += " ...";
}

}  // namespace

void check_tensor_shapes(const TensorList& tensors, const std::map<std::string, Shape>& expected,
                         const std::string& context) {
  std::vector<std::pair<std::string, Shape>> shapes;
  for (const auto& [name, tensor] : tensors) shapes.emplace_back(name, tensor.shape());
  check_tensor_shapes(shapes, expected, context);
}

void check_tensor_shapes(const std::vector<std::pair<std::string, Shape>>& shapes,
                         const std::map<std::string, Shape>& expected, const std::string& context) {
  std::vector<std::string> missing, extra, wrong;
  std::set<std::string> present;
  for (const auto& [name, shape] : shapes) {
    present.insert(name);
    auto found = expected.find(name);
    if (found == expected.end()) {
      extra.push_back("'" + name + "' " + shape_str(shape));
    } else if (found->second != shape) {
      wrong.push_back("'" + name + "' expected " + shape_str(found->second) + ", found " +
                      shape_str(shape));
    }
  }
  for (const auto& [name, shape] : expected)
    if (!present.count(name)) missing.push_back("'" + name + "' " + shape_str(shape));
  if (missing.empty() && extra.empty() && wrong.empty()) return;
  std::string message = context + ": tensors do not match the model";
  describe(message, "missing", missing);
  describe(message, "unexpected", extra);
  describe(message, "with the wrong shape", wrong);
  SEMISAM_FAIL(message);
}

}  // namespace semisam::io

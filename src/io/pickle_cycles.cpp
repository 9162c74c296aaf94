// Cycle search over the references a PickleValue holds: depth first with an explicit stack and
// three colours (unseen, on the current path, finished).
#include "io/pickle_cycles.h"

#include <unordered_map>
#include <utility>

namespace semisam::io {
namespace {

// The references of a value in one numbering: items, then dict keys and values, then state.
size_t reference_count(const PickleValue& v) {
  return v.items.size() + 2 * v.dict.size() + (v.state ? 1 : 0);
}

const PickleValue* reference(const PickleValue& v, size_t i) {
  if (i < v.items.size()) return v.items[i].get();
  i -= v.items.size();
  if (i < 2 * v.dict.size()) {
    const auto& kv = v.dict.items()[i / 2];
    return (i % 2 == 0 ? kv.first : kv.second).get();
  }
  return v.state.get();
}

enum class Colour { OnPath, Finished };

}  // namespace

bool has_reference_cycle(const std::vector<const PickleValue*>& roots) {
  std::unordered_map<const PickleValue*, Colour> colour;
  std::vector<std::pair<const PickleValue*, size_t>> path;  // value, next reference to visit
  for (const PickleValue* root : roots) {
    if (!root || colour.count(root)) continue;
    colour.emplace(root, Colour::OnPath);
    path.emplace_back(root, 0);
    while (!path.empty()) {
      auto& [value, next] = path.back();
      if (next == reference_count(*value)) {
        colour[value] = Colour::Finished;
        path.pop_back();
        continue;
      }
      const PickleValue* child = reference(*value, next++);
      if (!child) continue;
      auto seen = colour.find(child);
      if (seen == colour.end()) {
        colour.emplace(child, Colour::OnPath);
        path.emplace_back(child, 0);
      } else if (seen->second == Colour::OnPath) {
        return true;
      }
    }
  }
  return false;
}

void drop_references(PickleValue& value) {
  // Moved out first so that values freed here cannot reach back into `value` while it changes.
  auto items = std::move(value.items);
  value.items.clear();
  auto entries = value.dict.take_items();
  auto state = std::move(value.state);
  value.state.reset();
}

}  // namespace semisam::io

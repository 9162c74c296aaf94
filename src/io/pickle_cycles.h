// Reference cycles in a pickle value graph. Values are reference counted, so a container that
// contains itself (directly or through others) would never be freed; the unpickler refuses such
// graphs and uses these to find and dismantle them.
#pragma once

#include <vector>

#include "io/pickle_value.h"

namespace semisam::io {

// True when some value reachable from `roots` reaches itself again. Iterative (a hostile pickle
// nests a million levels deep) and linear in the values and references reachable from the roots.
bool has_reference_cycle(const std::vector<const PickleValue*>& roots);

// Drops every reference `value` holds to other values (items, dict entries, state), which breaks
// any cycle through it.
void drop_references(PickleValue& value);

}  // namespace semisam::io

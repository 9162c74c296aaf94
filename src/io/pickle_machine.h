// A restricted unpickler (protocols 2 to 5, the binary opcodes that torch.save state dicts use)
// that builds PickleValue trees and never imports or calls anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "io/pickle_value.h"

namespace semisam::io {

struct PickleOptions {
  // false: any global outside the allow-list is an error naming it (torch.load(weights_only=True)
  // behaviour). true: such a global becomes an inert opaque value; calling or building it only
  // records its arguments. Either way nothing is ever executed.
  bool allow_opaque_objects = false;
  // Safety limits against hostile input.
  size_t max_stack = size_t(1) << 24;
  size_t max_memo = size_t(1) << 24;
  int64_t max_tensor_elements = int64_t(1) << 40;
};

// Turns a persistent id (BINPERSID's argument) into a value; torch uses it for storages.
using PersistentLoader = std::function<PickleValuePtr(const PickleValuePtr& pid)>;

// Runs the pickle program in data[0, size) and returns the object STOP leaves on the stack.
// `source` names the stream in error messages (e.g. "model.pth: archive/data.pkl").
PickleValuePtr unpickle(const uint8_t* data, size_t size, const std::string& source,
                        const PersistentLoader& persistent_load,
                        const PickleOptions& options = {});

// The conventional name of a pickle opcode byte ("BINUNICODE"), or "unknown".
const char* pickle_opcode_name(uint8_t opcode);

}  // namespace semisam::io

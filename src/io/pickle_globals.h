// The allow-list of globals the restricted unpickler resolves, and what calling them (REDUCE,
// NEWOBJ) or building them (BUILD) produces. Everything else is refused or kept inert.
#pragma once

#include <string>

#include "io/pickle_machine.h"
#include "io/pickle_value.h"

namespace semisam::io {

// A GLOBAL/STACK_GLOBAL reference: an allowed name becomes a Global value; any other name throws
// (naming it) unless options.allow_opaque_objects, when it becomes an inert Opaque value.
// `where` prefixes error messages ("model.pth: archive/data.pkl at byte 120").
PickleValuePtr resolve_global(const std::string& module, const std::string& name,
                              const PickleOptions& options, const std::string& where);

// callable(*args) for REDUCE and cls.__new__(cls, *args) for NEWOBJ; args must be a tuple.
PickleValuePtr call_global(const PickleValuePtr& callable, const PickleValuePtr& args,
                           const PickleOptions& options, const std::string& where);

// obj.__setstate__(state) for BUILD; returns the object to leave on the stack.
PickleValuePtr build_object(const PickleValuePtr& object, const PickleValuePtr& state,
                            const std::string& where);

// The dtype a torch storage class name ("torch.HalfStorage") stands for; false when it is not one.
bool storage_class_dtype(const std::string& name, DType& dtype, bool& is_bool);

}  // namespace semisam::io

// The HDF5 element types that correspond to semisam dtypes, and a readable name for any stored
// HDF5 type (for messages such as "label must be integer, found float64").
#pragma once

#include <optional>
#include <string>

#include "io/h5_handle.h"
#include "tensor/dtype.h"

namespace semisam::io::h5 {

// Memory type of a dtype (native byte order). The 16-bit floats are described as IEEE-like
// float types so that readers such as h5py see float16 as float16.
Handle memory_type(DType dtype);
// Type used in files: the little-endian standard form of the same values.
Handle file_type(DType dtype);

// The dtype that holds a stored type exactly, if there is one.
std::optional<DType> dtype_of(hid_t type);

// "float32", "int16", "uint64", "string", "compound", ...
std::string type_name(hid_t type);

enum class TypeClass { Float, Integer, Other };
TypeClass type_class(hid_t type);

}  // namespace semisam::io::h5

// Mapping between semisam dtypes and HDF5 datatypes.
#include "io/h5_types.h"

#include "tensor/error.h"

namespace semisam::io::h5 {
namespace {

// A 16-bit float type built from IEEE single by changing its bit fields (what h5py does for
// float16); bfloat16 is the same construction with single's exponent.
Handle half_type(hid_t base, bool brain_float) {
  Handle type = make_handle(H5Tcopy(base), HandleKind::Datatype, "copying a float type");
  if (brain_float) {
    check_status(H5Tset_fields(type.id(), 15, 7, 8, 0, 7), "describing bfloat16");
    check_status(H5Tset_size(type.id(), 2), "describing bfloat16");
    check_status(H5Tset_ebias(type.id(), 127), "describing bfloat16");
  } else {
    check_status(H5Tset_fields(type.id(), 15, 10, 5, 0, 10), "describing float16");
    check_status(H5Tset_size(type.id(), 2), "describing float16");
    check_status(H5Tset_ebias(type.id(), 15), "describing float16");
  }
  return type;
}

Handle copy_type(hid_t type) {
  return make_handle(H5Tcopy(type), HandleKind::Datatype, "copying an HDF5 datatype");
}

}  // namespace

Handle memory_type(DType dtype) {
  switch (dtype) {
    case DType::Float32: return copy_type(H5T_NATIVE_FLOAT);
    case DType::Float64: return copy_type(H5T_NATIVE_DOUBLE);
    case DType::BFloat16: return half_type(H5T_NATIVE_FLOAT, true);
    case DType::Float16: return half_type(H5T_NATIVE_FLOAT, false);
    case DType::Int32: return copy_type(H5T_NATIVE_INT32);
    case DType::Int64: return copy_type(H5T_NATIVE_INT64);
    case DType::UInt8: return copy_type(H5T_NATIVE_UINT8);
  }
  SEMISAM_FAIL("no HDF5 type for dtype ", int(dtype));
}

Handle file_type(DType dtype) {
  switch (dtype) {
    case DType::Float32: return copy_type(H5T_IEEE_F32LE);
    case DType::Float64: return copy_type(H5T_IEEE_F64LE);
    case DType::BFloat16: return half_type(H5T_IEEE_F32LE, true);
    case DType::Float16: return half_type(H5T_IEEE_F32LE, false);
    case DType::Int32: return copy_type(H5T_STD_I32LE);
    case DType::Int64: return copy_type(H5T_STD_I64LE);
    case DType::UInt8: return copy_type(H5T_STD_U8LE);
  }
  SEMISAM_FAIL("no HDF5 type for dtype ", int(dtype));
}

TypeClass type_class(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_FLOAT: return TypeClass::Float;
    case H5T_INTEGER: return TypeClass::Integer;
    default: return TypeClass::Other;
  }
}

std::optional<DType> dtype_of(hid_t type) {
  size_t size = H5Tget_size(type);
  if (type_class(type) == TypeClass::Integer) {
    bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
    if (!is_signed && size == 1) return DType::UInt8;
    if (is_signed && size == 4) return DType::Int32;
    if (is_signed && size == 8) return DType::Int64;
    return std::nullopt;
  }
  if (type_class(type) != TypeClass::Float) return std::nullopt;
  if (size == 4) return DType::Float32;
  if (size == 8) return DType::Float64;
  if (size == 2) {
    size_t sign_pos, exp_pos, exp_size, mant_pos, mant_size;
    if (H5Tget_fields(type, &sign_pos, &exp_pos, &exp_size, &mant_pos, &mant_size) < 0) {
      take_hdf5_error_text();
      return std::nullopt;
    }
    if (exp_size == 8 && mant_size == 7) return DType::BFloat16;
    if (exp_size == 5 && mant_size == 10) return DType::Float16;
  }
  return std::nullopt;
}

std::string type_name(hid_t type) {
  size_t bits = H5Tget_size(type) * 8;
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_2 ? "int" : "uint") + std::to_string(bits);
    case H5T_FLOAT: {
      auto dtype = dtype_of(type);
      if (dtype == DType::BFloat16) return "bfloat16";
      return "float" + std::to_string(bits);
    }
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_ENUM: return "enum";
    case H5T_ARRAY: return "array";
    case H5T_VLEN: return "variable-length";
    case H5T_OPAQUE: return "opaque";
    case H5T_REFERENCE: return "reference";
    case H5T_BITFIELD: return "bitfield";
    default: return "unknown type";
  }
}

}  // namespace semisam::io::h5

// Element types a Tensor can hold, their sizes and names, and a compile-time mapping to C++ types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tensor/error.h"
#include "tensor/half_types.h"

namespace semisam {

enum class DType : uint8_t { Float32, Float64, BFloat16, Float16, Int32, Int64, UInt8 };

size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);
DType dtype_from_name(const std::string& name);  // throws on an unknown name
bool is_floating(DType dtype);

template <typename T> struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::Float32; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::Float64; };
template <> struct DTypeOf<bfloat16> { static constexpr DType value = DType::BFloat16; };
template <> struct DTypeOf<float16> { static constexpr DType value = DType::Float16; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::Int32; };
template <> struct DTypeOf<int64_t> { static constexpr DType value = DType::Int64; };
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::UInt8; };

// Calls fn with a value of the C++ type of `dtype` (a tag: only its type matters).
template <typename Fn>
decltype(auto) dispatch_dtype(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Float32: return fn(float{});
    case DType::Float64: return fn(double{});
    case DType::BFloat16: return fn(bfloat16{});
    case DType::Float16: return fn(float16{});
    case DType::Int32: return fn(int32_t{});
    case DType::Int64: return fn(int64_t{});
    case DType::UInt8: return fn(uint8_t{});
  }
  return fn(float{});
}

// Like dispatch_dtype, for ops that only make sense for floating types: fn sees only float, double,
// bfloat16 and float16; any other dtype throws naming `op`.
template <typename Fn>
void dispatch_floating(const char* op, DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Float32: fn(float{}); return;
    case DType::Float64: fn(double{}); return;
    case DType::BFloat16: fn(bfloat16{}); return;
    case DType::Float16: fn(float16{}); return;
    default: SEMISAM_FAIL(op, ": unsupported dtype ", dtype_name(dtype));
  }
}

// The type in which arithmetic on a dtype is carried out: half types compute in float.
template <typename T> struct ComputeType { using type = T; };
template <> struct ComputeType<bfloat16> { using type = float; };
template <> struct ComputeType<float16> { using type = float; };
template <typename T> using compute_t = typename ComputeType<T>::type;

}  // namespace semisam

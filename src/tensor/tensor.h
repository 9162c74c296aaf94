// Tensor: an n-dimensional strided view (shape, strides, element offset) of shared, reference-
// counted storage on one device. Metadata and views only; arithmetic lives in src/kernels.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tensor/device.h"
#include "tensor/dtype.h"
#include "tensor/error.h"

namespace semisam {

using Shape = std::vector<int64_t>;

std::string shape_str(const Shape& shape);
int64_t shape_numel(const Shape& shape);
Shape contiguous_strides(const Shape& shape);

// Bytes on one device, freed when the last tensor that views them goes away.
class Storage {
 public:
  Storage(size_t nbytes, Device device);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

 private:
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  Device device_;
};

class Tensor {
 public:
  Tensor() = default;  // undefined: holds no storage

  // Uninitialised memory (contents unspecified).
  static Tensor empty(const Shape& shape, DType dtype, Device device = Device::cpu());
  static Tensor zeros(const Shape& shape, DType dtype, Device device = Device::cpu());
  // A CPU tensor holding a copy of `values` (their count must match the shape).
  template <typename T>
  static Tensor from_vector(const std::vector<T>& values, const Shape& shape);

  bool defined() const { return storage_ != nullptr; }
  const Shape& shape() const { return shape_; }
  const std::vector<int64_t>& strides() const { return strides_; }
  int64_t dim() const { return int64_t(shape_.size()); }
  int64_t size(int64_t axis) const { return shape_[normalize_axis(axis)]; }
  int64_t stride(int64_t axis) const { return strides_[normalize_axis(axis)]; }
  int64_t numel() const { return shape_numel(shape_); }
  int64_t offset() const { return offset_; }
  DType dtype() const { return dtype_; }
  Device device() const { return device_; }
  size_t element_size() const { return dtype_size(dtype_); }
  size_t nbytes() const { return size_t(numel()) * element_size(); }
  bool is_contiguous() const;
  const std::shared_ptr<Storage>& storage() const { return storage_; }
  // Whether two tensors view the same storage.
  bool shares_storage(const Tensor& other) const { return storage_ == other.storage_; }

  void* data_ptr() const;
  template <typename T>
  T* data() const {
    SEMISAM_CHECK(DTypeOf<T>::value == dtype_, "tensor of dtype ", dtype_name(dtype_),
                  " accessed as ", dtype_name(DTypeOf<T>::value));
    return static_cast<T*>(data_ptr());
  }

  // Views (no copy). Axes may be negative (counted from the end).
  Tensor view(const Shape& shape) const;  // needs a contiguous tensor; one entry may be -1
  Tensor permute(const std::vector<int64_t>& order) const;
  Tensor narrow(int64_t axis, int64_t start, int64_t length) const;
  Tensor operator[](int64_t index) const;  // index along the leading axis, which is dropped
  Tensor unsqueeze(int64_t axis) const;
  Tensor squeeze(int64_t axis) const;
  Tensor expand(const Shape& shape) const;  // broadcast size-1 axes with stride 0
  Tensor as_strided(const Shape& shape, const std::vector<int64_t>& strides, int64_t offset) const;

  int64_t normalize_axis(int64_t axis) const;
  std::string str() const;  // "float32[2, 3] on cpu"

 private:
  std::shared_ptr<Storage> storage_;
  Shape shape_;
  std::vector<int64_t> strides_;
  int64_t offset_ = 0;
  DType dtype_ = DType::Float32;
  Device device_;
};

// The shape two shapes broadcast to (NumPy rules); throws naming both when they do not.
Shape broadcast_shapes(const Shape& a, const Shape& b);

}  // namespace semisam

#include "tensor/tensor_inl.h"

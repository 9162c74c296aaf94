// Tensor metadata, storage ownership and view operations.
#include "tensor/tensor.h"

#include <algorithm>
#include <sstream>

#include "tensor/memory.h"

namespace semisam {

std::string shape_str(const Shape& shape) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << "]";
  return out.str();
}

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

Shape contiguous_strides(const Shape& shape) {
  Shape strides(shape.size());
  int64_t s = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<int64_t>(shape[i], 1);
  }
  return strides;
}

Storage::Storage(size_t nbytes, Device device) : nbytes_(nbytes), device_(device) {
  data_ = allocate_bytes(device, nbytes);
}

Storage::~Storage() { free_bytes(device_, data_, nbytes_); }

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  // Sizes come from files too (an HDF5 dataset's declared shape): the byte count, and the
  // strides (which treat a size 0 as 1), must be representable before anything is computed.
  int64_t bytes = int64_t(dtype_size(dtype));
  for (int64_t s : shape) {
    SEMISAM_CHECK(s >= 0, "Tensor::empty: negative size in shape ", shape_str(shape));
    SEMISAM_CHECK(!__builtin_mul_overflow(bytes, std::max<int64_t>(s, 1), &bytes),
                  "Tensor::empty: shape ", shape_str(shape), " of ", dtype_name(dtype),
                  " needs more than 2^63 bytes");
  }
  Tensor t;
  t.shape_ = shape;
  t.strides_ = contiguous_strides(shape);
  t.dtype_ = dtype;
  t.device_ = device;
  t.storage_ = std::make_shared<Storage>(size_t(shape_numel(shape)) * dtype_size(dtype), device);
  return t;
}

Tensor Tensor::zeros(const Shape& shape, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
  zero_bytes(t.data_ptr(), device, t.nbytes());
  return t;
}

bool Tensor::is_contiguous() const {
  if (numel() == 0) return true;  // no element to misplace (PyTorch agrees)
  int64_t expected = 1;
  for (size_t i = shape_.size(); i-- > 0;) {
    if (shape_[i] == 1) continue;
    if (strides_[i] != expected) return false;
    expected *= shape_[i];
  }
  return true;
}

void* Tensor::data_ptr() const {
  SEMISAM_CHECK(defined(), "data_ptr of an undefined tensor");
  return static_cast<char*>(storage_->data()) + offset_ * int64_t(element_size());
}

int64_t Tensor::normalize_axis(int64_t axis) const {
  int64_t d = dim();
  SEMISAM_CHECK(axis >= -d && axis < d, "axis ", axis, " out of range for ", str());
  return axis < 0 ? axis + d : axis;
}

std::string Tensor::str() const {
  if (!defined()) return "undefined tensor";
  return std::string(dtype_name(dtype_)) + shape_str(shape_) + " on " + device_.str();
}

Tensor Tensor::view(const Shape& shape) const {
  SEMISAM_CHECK(is_contiguous(), "view ", shape_str(shape), " of non-contiguous ", str(),
                " (make it contiguous first)");
  Shape resolved = shape;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < resolved.size(); ++i) {
    if (resolved[i] == -1) {
      SEMISAM_CHECK(infer < 0, "view: more than one -1 in ", shape_str(shape));
      infer = int64_t(i);
    } else {
      known *= resolved[i];
    }
  }
  if (infer >= 0) {
    SEMISAM_CHECK(known > 0 && numel() % known == 0, "view: cannot infer -1 in ",
                  shape_str(shape), " for ", str());
    resolved[infer] = numel() / known;
  }
  SEMISAM_CHECK(shape_numel(resolved) == numel(), "view: shape ", shape_str(shape),
                " does not match the ", numel(), " elements of ", str());
  Tensor t = *this;
  t.shape_ = resolved;
  t.strides_ = contiguous_strides(resolved);
  return t;
}

Tensor Tensor::permute(const std::vector<int64_t>& order) const {
  SEMISAM_CHECK(int64_t(order.size()) == dim(), "permute: ", order.size(), " axes for ", str());
  std::vector<bool> seen(order.size(), false);
  Tensor t = *this;
  for (size_t i = 0; i < order.size(); ++i) {
    int64_t a = normalize_axis(order[i]);
    SEMISAM_CHECK(!seen[a], "permute: axis ", a, " repeated");
    seen[a] = true;
    t.shape_[i] = shape_[a];
    t.strides_[i] = strides_[a];
  }
  return t;
}

Tensor Tensor::narrow(int64_t axis, int64_t start, int64_t length) const {
  int64_t a = normalize_axis(axis);
  SEMISAM_CHECK(start >= 0 && length >= 0 && start + length <= shape_[a], "narrow: [", start,
                ", ", start + length, ") out of range for axis ", a, " of ", str());
  Tensor t = *this;
  t.shape_[a] = length;
  t.offset_ += start * strides_[a];
  return t;
}

Tensor Tensor::operator[](int64_t index) const {
  SEMISAM_CHECK(dim() >= 1, "indexing a 0-d tensor");
  SEMISAM_CHECK(index >= 0 && index < shape_[0], "index ", index, " out of range for ", str());
  return narrow(0, index, 1).squeeze(0);
}

Tensor Tensor::unsqueeze(int64_t axis) const {
  int64_t d = dim();
  SEMISAM_CHECK(axis >= -d - 1 && axis <= d, "unsqueeze: axis ", axis, " for ", str());
  if (axis < 0) axis += d + 1;
  Tensor t = *this;
  int64_t stride = axis < d ? shape_[axis] * strides_[axis] : 1;
  t.shape_.insert(t.shape_.begin() + axis, 1);
  t.strides_.insert(t.strides_.begin() + axis, stride);
  return t;
}

Tensor Tensor::squeeze(int64_t axis) const {
  int64_t a = normalize_axis(axis);
  SEMISAM_CHECK(shape_[a] == 1, "squeeze: axis ", a, " has size ", shape_[a], " in ", str());
  Tensor t = *this;
  t.shape_.erase(t.shape_.begin() + a);
  t.strides_.erase(t.strides_.begin() + a);
  return t;
}

Tensor Tensor::expand(const Shape& shape) const {
  SEMISAM_CHECK(shape.size() >= shape_.size(), "expand ", str(), " to ", shape_str(shape));
  Tensor t = *this;
  size_t lead = shape.size() - shape_.size();
  t.shape_ = shape;
  t.strides_.assign(shape.size(), 0);
  for (size_t i = 0; i < shape_.size(); ++i) {
    if (shape_[i] == shape[lead + i]) {
      t.strides_[lead + i] = strides_[i];
    } else {
      SEMISAM_CHECK(shape_[i] == 1, "expand: cannot broadcast ", str(), " to ", shape_str(shape));
    }
  }
  return t;
}

Tensor Tensor::as_strided(const Shape& shape, const std::vector<int64_t>& strides,
                          int64_t offset) const {
  SEMISAM_CHECK(shape.size() == strides.size(), "as_strided: shape and strides differ in rank");
  // Negative strides (flipped views) address elements below the offset, so both the lowest and
  // the highest addressed element must lie in the storage.
  int64_t lowest = offset, highest = offset;
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] > 0) (strides[i] < 0 ? lowest : highest) += (shape[i] - 1) * strides[i];
  SEMISAM_CHECK(shape_numel(shape) == 0 ||
                    (lowest >= 0 && size_t(highest + 1) * element_size() <= storage_->nbytes()),
                "as_strided: view ", shape_str(shape), " with strides ", shape_str(strides),
                " and offset ", offset, " addresses elements ", lowest, "..", highest,
                ", outside the ", storage_->nbytes() / element_size(),
                "-element storage of ", str());
  Tensor t = *this;
  t.shape_ = shape;
  t.strides_ = strides;
  t.offset_ = offset;
  return t;
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    SEMISAM_CHECK(da == db || da == 1 || db == 1, "shapes ", shape_str(a), " and ", shape_str(b),
                  " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

}  // namespace semisam

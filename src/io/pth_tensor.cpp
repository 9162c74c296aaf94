// Materialising checkpoint tensors: each storage read once from its archive entry (byte-swapped
// when the archive is big-endian), then viewed in place or copied out into contiguous layout.
#include <algorithm>
#include <cstring>

#include "io/pth_archive.h"
#include "tensor/error.h"

namespace semisam::io {
namespace {

void swap_bytes(uint8_t* data, size_t count, size_t width) {
  if (width == 1) return;
  for (size_t i = 0; i < count; ++i) std::reverse(data + i * width, data + (i + 1) * width);
}

// Copies the strided view (sizes, strides in elements, offset) of src into dense dst, walking
// the index like an odometer with the last axis innermost.
void gather_strided(const uint8_t* src, uint8_t* dst, size_t width, const Shape& size,
                    const std::vector<int64_t>& stride, int64_t offset) {
  int64_t numel = shape_numel(size);
  if (numel == 0) return;
  size_t dims = size.size();
  if (dims == 0) {
    std::memcpy(dst, src + size_t(offset) * width, width);
    return;
  }
  std::vector<int64_t> index(dims, 0);
  int64_t inner = size[dims - 1], inner_stride = stride[dims - 1];
  int64_t base = offset;
  for (int64_t done = 0; done < numel; done += inner) {
    const uint8_t* row = src + size_t(base) * width;
    if (inner_stride == 1) {
      std::memcpy(dst, row, size_t(inner) * width);
    } else {
      for (int64_t k = 0; k < inner; ++k)
        std::memcpy(dst + size_t(k) * width, row + size_t(k * inner_stride) * width, width);
    }
    dst += size_t(inner) * width;
    for (size_t d = dims - 1; d-- > 0;) {
      if (++index[d] < size[d]) {
        base += stride[d];
        break;
      }
      base -= (size[d] - 1) * stride[d];
      index[d] = 0;
    }
  }
}

bool dense_in_order(const Shape& size, const std::vector<int64_t>& stride) {
  int64_t expected = 1;
  for (size_t d = size.size(); d-- > 0;) {
    if (size[d] == 1) continue;
    if (stride[d] != expected) return false;
    expected *= size[d];
  }
  return true;
}

}  // namespace

Tensor PthArchive::storage_tensor(const StorageRef& storage) const {
  auto cached = storages_.find(storage.key);
  if (cached != storages_.end()) {
    SEMISAM_CHECK(cached->second.dtype() == storage.dtype &&
                      cached->second.numel() == storage.numel,
                  path(), ": storage '", storage.key, "' is referenced with two different types");
    return cached->second;
  }
  const std::string entry_name = prefix_ + "/data/" + storage.key;
  const ZipEntry* entry = zip_.find(entry_name);
  SEMISAM_CHECK(entry != nullptr, path(), ": missing entry '", entry_name, "'");
  Tensor t = Tensor::empty({storage.numel}, storage.dtype);
  zip_.read(*entry, t.data_ptr(), t.nbytes(), options_.verify_crc);
  if (big_endian_)
    swap_bytes(static_cast<uint8_t*>(t.data_ptr()), size_t(storage.numel), t.element_size());
  storages_.emplace(storage.key, t);
  return t;
}

Tensor PthArchive::tensor(const TensorRef& ref, const std::string& name) const {
  const std::string what = name.empty() ? "a tensor" : "tensor '" + name + "'";
  SEMISAM_CHECK(ref.storage != nullptr, path(), ": ", what, " without a storage");
  // Checked before anything is read or allocated: the pickle only bounded the view to lie
  // inside its storage, and stride 0 repeats elements without limit.
  const int64_t numel = shape_numel(ref.size);
  const int64_t base = std::max(ref.storage->numel, kSmallStorageElements);
  SEMISAM_CHECK((numel + kMaxViewExpansion - 1) / kMaxViewExpansion <= base, path(), ": ", what,
                " of size ", shape_str(ref.size), " (", numel, " elements) is a view of storage '",
                ref.storage->key, "' with ", ref.storage->numel, " elements, which it would ",
                "expand more than ", kMaxViewExpansion, " times; refused");
  Tensor storage = storage_tensor(*ref.storage);
  if (dense_in_order(ref.size, ref.stride))
    return storage.as_strided(ref.size, contiguous_strides(ref.size), ref.storage_offset);
  Tensor out = Tensor::empty(ref.size, storage.dtype());
  gather_strided(static_cast<const uint8_t*>(storage.data_ptr()),
                 static_cast<uint8_t*>(out.data_ptr()), storage.element_size(), ref.size,
                 ref.stride, ref.storage_offset);
  return out;
}

}  // namespace semisam::io

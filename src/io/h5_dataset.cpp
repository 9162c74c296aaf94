// Datasets of the HDF5 RAII layer: shape and type queries, reading into tensors with HDF5's
// type conversion, and writing tensors.
#include "io/h5_file.h"

#include <algorithm>
#include <cstdint>

#include "io/host_copy.h"
#include "tensor/error.h"

namespace semisam::io::h5 {
namespace {

Handle dataspace_for(const Shape& shape, const std::string& what) {
  if (shape.empty())
    return make_handle(H5Screate(H5S_SCALAR), HandleKind::Dataspace, what);
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  return make_handle(H5Screate_simple(int(dims.size()), dims.data(), nullptr),
                     HandleKind::Dataspace, what);
}

// Chunks of at most about 1M elements, halving the largest axis, so compressed datasets of any
// size stay within HDF5's chunk limits and its cache.
std::vector<hsize_t> chunk_dims(const Shape& shape) {
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  auto count = [&] {
    hsize_t n = 1;
    for (hsize_t d : dims) n *= d;
    return n;
  };
  while (count() > (hsize_t(1) << 20)) {
    auto largest = std::max_element(dims.begin(), dims.end());
    *largest = (*largest + 1) / 2;
  }
  return dims;
}

Handle creation_properties(const Shape& shape, const DatasetLayout& layout,
                           const std::string& what) {
  Handle list = make_handle(H5Pcreate(H5P_DATASET_CREATE), HandleKind::PropertyList, what);
  check_status(H5Pset_obj_track_times(list.id(), false), what);
  // The whole dataset is written at once, so filling it with default values first is waste.
  check_status(H5Pset_fill_time(list.id(), H5D_FILL_TIME_NEVER), what);
  SEMISAM_CHECK(layout.deflate_level >= 0 && layout.deflate_level <= 9,
                "deflate level must be 0..9, got ", layout.deflate_level, " for ", what);
  if (layout.deflate_level > 0 && !shape.empty() && shape_numel(shape) > 0) {
    std::vector<hsize_t> chunks = chunk_dims(shape);
    check_status(H5Pset_chunk(list.id(), int(chunks.size()), chunks.data()), what);
    check_status(H5Pset_deflate(list.id(), unsigned(layout.deflate_level)), what);
  }
  return list;
}

uint64_t saturating_product(const std::vector<hsize_t>& factors, uint64_t start) {
  uint64_t product = start;
  for (hsize_t f : factors) {
    if (f != 0 && product > UINT64_MAX / f) return UINT64_MAX;
    product *= f;
  }
  return product;
}

// What a damaged or hostile file can declare and libhdf5 1.10 then allocates before it reads a
// byte: numbers of gigabytes each (a 1 KB file declared 4 GB integers), or gigabyte chunks. Our
// own allocation is bounded by the declared shape (volume_limits.h); these bound HDF5's.
void check_storage_before_reading(hid_t dataset, const Shape& shape, const std::string& where) {
  Handle type = make_handle(H5Dget_type(dataset), HandleKind::Datatype, "reading " + where);
  const size_t element = H5Tget_size(type.id());
  SEMISAM_CHECK(element >= 1 && element <= 16, where, " stores ", element,
                "-byte numbers; numbers of 1 to 16 bytes were expected (the file is damaged)");
  Handle properties =
      make_handle(H5Dget_create_plist(dataset), HandleKind::PropertyList, "reading " + where);
  const H5D_layout_t layout = H5Pget_layout(properties.id());
  check_status(herr_t(layout < 0 ? -1 : 0), "reading the layout of " + where);
  if (layout != H5D_CHUNKED) return;
  const int rank = H5Pget_chunk(properties.id(), 0, nullptr);
  check_status(herr_t(rank), "reading the chunks of " + where);
  std::vector<hsize_t> chunk(size_t(rank), 0);
  check_status(H5Pget_chunk(properties.id(), rank, chunk.data()), "reading the chunks of " + where);
  const uint64_t chunk_bytes = saturating_product(chunk, element);
  const uint64_t dataset_bytes =
      saturating_product(std::vector<hsize_t>(shape.begin(), shape.end()), element);
  // A chunk may exceed a small dataset (HDF5 allows chunks past the extent), never by much.
  const uint64_t limit = std::max<uint64_t>(dataset_bytes, uint64_t(64) << 20);
  SEMISAM_CHECK(chunk_bytes <= limit, where, " is stored in chunks of ", chunk_bytes,
                " bytes, more than the dataset (", dataset_bytes,
                " bytes) and than 64 MiB (the file is damaged)");
}

}  // namespace

Shape Dataset::shape() const {
  std::string what = "reading the shape of " + where();
  Handle space = make_handle(H5Dget_space(id()), HandleKind::Dataspace, what);
  int rank = H5Sget_simple_extent_ndims(space.id());
  check_status(herr_t(rank), what);
  std::vector<hsize_t> dims(size_t(rank), 0);
  if (rank > 0) check_status(H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr), what);
  for (hsize_t d : dims)
    SEMISAM_CHECK(d <= hsize_t(INT64_MAX), where(), " declares an axis of ", d,
                  " elements, more than any array can hold (the file is damaged)");
  return Shape(dims.begin(), dims.end());
}

TypeClass Dataset::type_class() const {
  Handle type = make_handle(H5Dget_type(id()), HandleKind::Datatype, "reading the type of " + where());
  return h5::type_class(type.id());
}

std::optional<DType> Dataset::stored_dtype() const {
  Handle type = make_handle(H5Dget_type(id()), HandleKind::Datatype, "reading the type of " + where());
  return dtype_of(type.id());
}

std::string Dataset::type_name() const {
  Handle type = make_handle(H5Dget_type(id()), HandleKind::Datatype, "reading the type of " + where());
  return h5::type_name(type.id());
}

Tensor Dataset::read(DType dtype) const {
  std::string what = "reading " + where();
  SEMISAM_CHECK(type_class() != TypeClass::Other, where(), " holds ", type_name(),
                " values, not numbers");
  Tensor out = Tensor::empty(shape(), dtype, Device::cpu());
  if (out.numel() == 0) return out;
  check_storage_before_reading(id(), out.shape(), where());
  Handle type = memory_type(dtype);
  check_status(H5Dread(id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data_ptr()), what);
  return out;
}

Tensor Dataset::read() const {
  std::optional<DType> dtype = stored_dtype();
  SEMISAM_CHECK(dtype.has_value(), where(), " holds ", type_name(),
                " values, which no tensor dtype represents exactly");
  return read(*dtype);
}

Dataset Group::write_tensor(const std::string& name, const Tensor& tensor,
                            const DatasetLayout& layout) const {
  std::string target = child_path(name);
  std::string what = "writing dataset " + target + " to " + file_path_;
  SEMISAM_CHECK(!name.empty() && name.find('/') == std::string::npos && name != ".",
                "invalid dataset name '", name, "' in ", where(), " (it must be one non-empty ",
                "path component without '/')");
  SEMISAM_CHECK(!has(name), what, ": an object of that name already exists");
  Tensor host = contiguous_host(tensor);
  Handle space = dataspace_for(host.shape(), what);
  Handle stored = file_type(host.dtype());
  Handle properties = creation_properties(host.shape(), layout, what);
  Handle dataset = make_handle(H5Dcreate2(id(), name.c_str(), stored.id(), space.id(), H5P_DEFAULT,
                                          properties.id(), H5P_DEFAULT),
                               HandleKind::Dataset, what);
  if (host.numel() > 0) {
    Handle memory = memory_type(host.dtype());
    check_status(H5Dwrite(dataset.id(), memory.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, host.data_ptr()),
                 what);
  }
  return Dataset(file_path_, target, std::move(dataset));
}

}  // namespace semisam::io::h5

// Files, groups and attributes of the HDF5 RAII layer (datasets are in h5_dataset.cpp).
#include "io/h5_file.h"

#include <cstdint>
#include <cstring>
#include <filesystem>

#include "io/atomic_file.h"
#include "io/h5_raw_file.h"
#include "io/h5_vlen_string.h"
#include "tensor/error.h"

namespace semisam::io::h5 {
namespace {

Handle scalar_space() {
  return make_handle(H5Screate(H5S_SCALAR), HandleKind::Dataspace, "creating a scalar dataspace");
}

Handle utf8_string_type() {
  Handle type = make_handle(H5Tcopy(H5T_C_S1), HandleKind::Datatype, "copying the string type");
  check_status(H5Tset_size(type.id(), H5T_VARIABLE), "making a variable-length string type");
  check_status(H5Tset_cset(type.id(), H5T_CSET_UTF8), "marking a string type as UTF-8");
  return type;
}

// Group creation properties: no timestamps (same content, same bytes) and links kept in
// creation order, so tensors come back in the order they were written.
Handle group_creation_properties(hid_t property_class) {
  Handle list = make_handle(H5Pcreate(property_class), HandleKind::PropertyList,
                            "creating group properties");
  check_status(H5Pset_obj_track_times(list.id(), false), "disabling object timestamps");
  check_status(H5Pset_link_creation_order(list.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
               "tracking link creation order");
  return list;
}

herr_t collect_attribute_name(hid_t, const char* name, const H5A_info_t*, void* client) {
  static_cast<std::vector<std::string>*>(client)->emplace_back(name);
  return 0;
}

}  // namespace

// ---- Object: identity and attributes ----

std::string Object::where() const { return file_path_ + ": " + path_; }

std::string Object::child_path(const std::string& name) const {
  return path_ == "/" ? "/" + name : path_ + "/" + name;
}

bool Object::has_attribute(const std::string& name) const {
  htri_t exists = H5Aexists(id(), name.c_str());
  check_status(exists, "looking for attribute '" + name + "' of " + where());
  return exists > 0;
}

std::vector<std::string> Object::attribute_names() const {
  std::vector<std::string> names;
  hsize_t index = 0;
  check_status(H5Aiterate2(id(), H5_INDEX_NAME, H5_ITER_INC, &index, collect_attribute_name, &names),
               "listing the attributes of " + where());
  return names;
}

namespace {
// Removes an existing attribute so that setting it again replaces it.
void drop_attribute(const Object& object, const std::string& name) {
  if (object.has_attribute(name))
    check_status(H5Adelete(object.id(), name.c_str()),
                 "replacing attribute '" + name + "' of " + object.where());
}

void write_attribute(const Object& object, const std::string& name, hid_t file_type,
                     hid_t memory_type, const void* value) {
  drop_attribute(object, name);
  std::string what = "writing attribute '" + name + "' of " + object.where();
  Handle space = scalar_space();
  Handle attribute = make_handle(
      H5Acreate2(object.id(), name.c_str(), file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT),
      HandleKind::Attribute, what);
  check_status(H5Awrite(attribute.id(), memory_type, value), what);
  attribute.close(what);
}

// Opens an attribute that must hold exactly one value; `what` names it for messages.
Handle open_single_value_attribute(const Object& object, const std::string& name,
                                   const std::string& what) {
  SEMISAM_CHECK(object.has_attribute(name), object.where(), " has no attribute '", name, "'");
  Handle attribute =
      make_handle(H5Aopen(object.id(), name.c_str(), H5P_DEFAULT), HandleKind::Attribute, what);
  Handle space = make_handle(H5Aget_space(attribute.id()), HandleKind::Dataspace, what);
  hssize_t count = H5Sget_simple_extent_npoints(space.id());
  SEMISAM_CHECK(count == 1, what, ": expected a single value, found ", count);
  return attribute;
}

template <typename T>
T read_number_attribute(const Object& object, const std::string& name, hid_t memory_type,
                        bool integers_only) {
  std::string what = "attribute '" + name + "' of " + object.where();
  Handle attribute = open_single_value_attribute(object, name, what);
  Handle type = make_handle(H5Aget_type(attribute.id()), HandleKind::Datatype, what);
  TypeClass kind = type_class(type.id());
  SEMISAM_CHECK(kind == TypeClass::Integer || (!integers_only && kind == TypeClass::Float), what,
                " holds ", type_name(type.id()), ", expected ",
                integers_only ? "an integer" : "a number");
  T value{};
  check_status(H5Aread(attribute.id(), memory_type, &value), "reading " + what);
  return value;
}
}  // namespace

void Object::set_attribute(const std::string& name, const std::string& value) const {
  Handle type = utf8_string_type();
  const char* text = value.c_str();
  write_attribute(*this, name, type.id(), type.id(), &text);
}

void Object::set_attribute(const std::string& name, int64_t value) const {
  write_attribute(*this, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void Object::set_attribute(const std::string& name, uint64_t value) const {
  write_attribute(*this, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

void Object::set_attribute(const std::string& name, double value) const {
  write_attribute(*this, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

int64_t Object::int_attribute(const std::string& name) const {
  return read_number_attribute<int64_t>(*this, name, H5T_NATIVE_INT64, true);
}

uint64_t Object::uint_attribute(const std::string& name) const {
  return read_number_attribute<uint64_t>(*this, name, H5T_NATIVE_UINT64, true);
}

double Object::double_attribute(const std::string& name) const {
  return read_number_attribute<double>(*this, name, H5T_NATIVE_DOUBLE, false);
}

void Object::set_double_array_attribute(const std::string& name,
                                        const std::vector<double>& values) const {
  drop_attribute(*this, name);
  std::string what = "writing attribute '" + name + "' of " + where();
  hsize_t count = values.size();
  Handle space = make_handle(H5Screate_simple(1, &count, nullptr), HandleKind::Dataspace, what);
  Handle attribute = make_handle(
      H5Acreate2(id(), name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT),
      HandleKind::Attribute, what);
  check_status(H5Awrite(attribute.id(), H5T_NATIVE_DOUBLE, values.data()), what);
  attribute.close(what);
}

std::vector<double> Object::double_array_attribute(const std::string& name,
                                                   size_t expected_count) const {
  std::string what = "attribute '" + name + "' of " + where();
  SEMISAM_CHECK(has_attribute(name), where(), " has no attribute '", name, "'");
  Handle attribute =
      make_handle(H5Aopen(id(), name.c_str(), H5P_DEFAULT), HandleKind::Attribute, what);
  Handle type = make_handle(H5Aget_type(attribute.id()), HandleKind::Datatype, what);
  TypeClass kind = type_class(type.id());
  SEMISAM_CHECK(kind == TypeClass::Integer || kind == TypeClass::Float, what, " holds ",
                type_name(type.id()), ", expected numbers");
  Handle space = make_handle(H5Aget_space(attribute.id()), HandleKind::Dataspace, what);
  hssize_t count = H5Sget_simple_extent_npoints(space.id());
  SEMISAM_CHECK(count >= 0, what, ": cannot read its size");
  SEMISAM_CHECK(expected_count == 0 || size_t(count) == expected_count, what, " holds ", count,
                " values, expected ", expected_count);
  std::vector<double> values(static_cast<size_t>(count));
  if (count > 0)
    check_status(H5Aread(attribute.id(), H5T_NATIVE_DOUBLE, values.data()), "reading " + what);
  return values;
}

std::string Object::string_attribute(const std::string& name) const {
  std::string what = "attribute '" + name + "' of " + where();
  Handle attribute = open_single_value_attribute(*this, name, what);
  Handle type = make_handle(H5Aget_type(attribute.id()), HandleKind::Datatype, what);
  SEMISAM_CHECK(H5Tget_class(type.id()) == H5T_STRING, what, " holds ", type_name(type.id()),
                ", expected a string");
  Handle memory = make_handle(H5Tcopy(type.id()), HandleKind::Datatype, what);
  check_status(H5Tset_strpad(memory.id(), H5T_STR_NULLTERM), what);
  // Not through H5Aread: libhdf5 1.10 trusts the global heap that holds the characters, and a
  // damaged heap crashed it (h5_vlen_string.h).
  if (H5Tis_variable_str(type.id()) > 0)
    return read_vlen_string_attribute(attribute.id(), what);
  size_t size = H5Tget_size(type.id());
  // One extra byte so a string that fills its fixed size still gets its terminator.
  check_status(H5Tset_size(memory.id(), size + 1), what);
  std::string buffer(size + 1, '\0');
  check_status(H5Aread(attribute.id(), memory.id(), buffer.data()), "reading " + what);
  return std::string(buffer.c_str());
}

// ---- Group ----

bool Group::has(const std::string& name) const {
  SEMISAM_CHECK(!name.empty(), "empty object name in ", where());
  // H5Lexists fails rather than answering for "a/b" when "a" is missing, so test each prefix.
  size_t end = 0;
  while (end != std::string::npos) {
    end = name.find('/', end + 1);
    std::string prefix = name.substr(0, end);
    htri_t exists = H5Lexists(id(), prefix.c_str(), H5P_DEFAULT);
    if (exists <= 0) {
      if (exists < 0) take_hdf5_error_text();
      return false;
    }
  }
  return true;
}

namespace {
H5I_type_t child_kind(const Group& group, const std::string& name) {
  if (!group.has(name)) return H5I_BADID;
  hid_t object = H5Oopen(group.id(), name.c_str(), H5P_DEFAULT);
  if (object < 0) {
    take_hdf5_error_text();
    return H5I_BADID;
  }
  H5I_type_t kind = H5Iget_type(object);
  H5Oclose(object);
  return kind;
}
}  // namespace

bool Group::has_group(const std::string& name) const { return child_kind(*this, name) == H5I_GROUP; }

bool Group::has_dataset(const std::string& name) const {
  return child_kind(*this, name) == H5I_DATASET;
}

std::vector<std::string> Group::children() const {
  std::string what = "listing " + where();
  H5G_info_t info;
  check_status(H5Gget_info(id(), &info), what);
  H5_index_t order = H5_INDEX_NAME;
  Handle properties = make_handle(H5Gget_create_plist(id()), HandleKind::PropertyList, what);
  unsigned flags = 0;
  if (H5Pget_link_creation_order(properties.id(), &flags) >= 0 && (flags & H5P_CRT_ORDER_INDEXED))
    order = H5_INDEX_CRT_ORDER;
  take_hdf5_error_text();
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t length = H5Lget_name_by_idx(id(), ".", order, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (length < 0) check_status(-1, what);
    std::string name(size_t(length) + 1, '\0');
    if (H5Lget_name_by_idx(id(), ".", order, H5_ITER_INC, i, name.data(), name.size(),
                           H5P_DEFAULT) < 0)
      check_status(-1, what);
    name.resize(size_t(length));
    names.push_back(std::move(name));
  }
  return names;
}

Group Group::open_group(const std::string& name) const {
  SEMISAM_CHECK(has_group(name), file_path_, " has no group '", child_path(name), "'");
  return Group(file_path_, child_path(name),
               make_handle(H5Gopen2(id(), name.c_str(), H5P_DEFAULT), HandleKind::Group,
                           "opening group " + child_path(name) + " in " + file_path_));
}

Group Group::create_group(const std::string& name) const {
  SEMISAM_CHECK(!name.empty() && name.find('/') == std::string::npos && name != ".",
                "invalid group name '", name, "' in ", where());
  Handle properties = group_creation_properties(H5P_GROUP_CREATE);
  return Group(file_path_, child_path(name),
               make_handle(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, properties.id(), H5P_DEFAULT),
                           HandleKind::Group,
                           "creating group " + child_path(name) + " in " + file_path_));
}

Dataset Group::open_dataset(const std::string& name) const {
  SEMISAM_CHECK(has_dataset(name), file_path_, " has no dataset '", child_path(name), "'");
  return Dataset(file_path_, child_path(name),
                 make_handle(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), HandleKind::Dataset,
                             "opening dataset " + child_path(name) + " in " + file_path_));
}

// ---- File ----

File File::open(const std::string& path, Mode mode) {
  quiet_hdf5_errors();
  std::error_code error;
  SEMISAM_CHECK(std::filesystem::exists(path, error), "file not found: ", path);
  SEMISAM_CHECK(std::filesystem::is_regular_file(path, error), "not a regular file: ", path);
  // What libhdf5 1.10 trusts without checking, checked first (h5_raw_file.h).
  check_before_opening(path);
  hid_t id = H5Fopen(path.c_str(), mode == Mode::ReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR,
                     H5P_DEFAULT);
  if (id < 0)
    SEMISAM_FAIL("cannot open ", path, " as an HDF5 file: it is truncated, corrupted or not HDF5 ",
                 "(HDF5: ", take_hdf5_error_text(), ")");
  return File(path, Handle(id, HandleKind::File));
}

File File::create(const std::string& path) {
  quiet_hdf5_errors();
  std::string what = "creating HDF5 file " + path;
  Handle creation = group_creation_properties(H5P_FILE_CREATE);
  // Version-1.8 structures carry checksums on their metadata, so damage is detected on reading.
  Handle access = make_handle(H5Pcreate(H5P_FILE_ACCESS), HandleKind::PropertyList, what);
  check_status(H5Pset_libver_bounds(access.id(), H5F_LIBVER_V18, H5F_LIBVER_LATEST), what);
  // Built in memory; close() writes it to `path` with plain POSIX calls. HDF5 1.10 cannot
  // survive its own write failures: on a full disk H5Dclose and H5Fclose fail after freeing
  // their object yet keep its identifier, and the library's exit handler then crashed the
  // process (status 139) after the right message. In memory HDF5 meets no disk error, and the
  // one write reports a failure with the system's reason, once.
  check_status(H5Pset_fapl_core(access.id(), size_t(4) << 20, /*backing_store=*/false), what);
  Handle file = make_handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, creation.id(), access.id()),
                            HandleKind::File, what);
  File created(path, std::move(file));
  created.in_memory_ = true;
  return created;
}

Group File::root() const {
  return Group(path_, "/",
               make_handle(H5Gopen2(handle_.id(), "/", H5P_DEFAULT), HandleKind::Group,
                           "opening the root group of " + path_));
}

void File::flush() const {
  check_status(H5Fflush(handle_.id(), H5F_SCOPE_GLOBAL), "flushing " + path_);
}

namespace {
// The bytes of an in-memory (core driver) file that form the file: up to the end-of-file address
// its superblock records (version 2 or 3, which H5F_LIBVER_V18 writes; HDF5 file format
// specification, "Superblock Version 2": the address at byte 28). The memory past it is the
// driver's allocation slack. (H5Fget_file_image, meant for this, returns an image HDF5 1.10
// itself cannot open when the superblock is version 2 or later.)
size_t image_size(const unsigned char* memory, size_t allocated) {
  static const unsigned char signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  if (allocated < 48 || std::memcmp(memory, signature, 8) != 0 || memory[8] < 2 || memory[8] > 3 ||
      memory[9] != 8)
    return allocated;
  uint64_t end = 0;
  for (int i = 7; i >= 0; --i) end = (end << 8) | memory[28 + i];
  return end > 0 && end <= allocated ? size_t(end) : allocated;
}

}  // namespace

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    handle_ = std::move(other.handle_);
    in_memory_ = other.in_memory_;
  }
  return *this;
}

void File::release() noexcept {
  // A created file that was never closed is dropped: it exists only in memory.
  handle_.reset();
}

void File::close() {
  if (!handle_.valid()) return;
  flush();
  if (in_memory_) {
    void* handle = nullptr;
    hsize_t allocated = 0;
    check_status(H5Fget_vfd_handle(handle_.id(), H5P_DEFAULT, &handle), "finishing " + path_);
    check_status(H5Fget_filesize(handle_.id(), &allocated), "finishing " + path_);
    // The core driver's handle is the address of its buffer pointer.
    const unsigned char* memory = *static_cast<unsigned char* const*>(handle);
    SEMISAM_CHECK(memory != nullptr || allocated == 0, "finishing ", path_, ": no file image");
    write_new_file(path_, memory, image_size(memory, size_t(allocated)));
  }
  handle_.close(path_);
}

}  // namespace semisam::io::h5

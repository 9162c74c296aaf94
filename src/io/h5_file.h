// A small RAII layer over the HDF5 C API: files, groups and datasets as move-only objects that
// know where they live (file path and object path), so every error names both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/h5_handle.h"
#include "io/h5_types.h"
#include "tensor/tensor.h"

namespace semisam::io::h5 {

class Group;
class Dataset;

// What groups and datasets share: identity for messages, and attributes.
class Object {
 public:
  const std::string& file_path() const { return file_path_; }
  const std::string& path() const { return path_; }  // inside the file: "/", "/params/x"
  hid_t id() const { return handle_.id(); }
  // "<file>: <path>" for messages.
  std::string where() const;

  bool has_attribute(const std::string& name) const;
  std::vector<std::string> attribute_names() const;
  void set_attribute(const std::string& name, const std::string& value) const;
  void set_attribute(const std::string& name, const char* value) const {
    set_attribute(name, std::string(value));
  }
  void set_attribute(const std::string& name, int64_t value) const;
  void set_attribute(const std::string& name, uint64_t value) const;
  void set_attribute(const std::string& name, double value) const;
  std::string string_attribute(const std::string& name) const;
  int64_t int_attribute(const std::string& name) const;
  uint64_t uint_attribute(const std::string& name) const;
  double double_attribute(const std::string& name) const;
  // A one-dimensional array of doubles (geometry: spacing, affine rows); reading accepts any
  // integer or float array and checks its length when `expected_count` > 0.
  void set_double_array_attribute(const std::string& name, const std::vector<double>& values) const;
  std::vector<double> double_array_attribute(const std::string& name,
                                             size_t expected_count = 0) const;

 protected:
  Object(std::string file_path, std::string path, Handle handle)
      : file_path_(std::move(file_path)), path_(std::move(path)), handle_(std::move(handle)) {}
  std::string child_path(const std::string& name) const;

  std::string file_path_;
  std::string path_;
  Handle handle_;
};

// How a new dataset is laid out: contiguous, or chunked and deflate-compressed.
struct DatasetLayout {
  int deflate_level = 0;  // 0: no compression; 1..9: zlib level
};

class Group : public Object {
 public:
  // Whether a direct child (one path component) of any kind exists.
  bool has(const std::string& name) const;
  bool has_group(const std::string& name) const;
  bool has_dataset(const std::string& name) const;
  // Names of the direct children, in creation order where the file records it, else by name.
  std::vector<std::string> children() const;

  Group open_group(const std::string& name) const;
  Group create_group(const std::string& name) const;
  Dataset open_dataset(const std::string& name) const;
  // A new dataset holding the tensor's values (any device, any strides).
  Dataset write_tensor(const std::string& name, const Tensor& tensor,
                       const DatasetLayout& layout = {}) const;

 private:
  friend class File;
  using Object::Object;
};

class Dataset : public Object {
 public:
  Shape shape() const;
  // How the values are stored: class, exact dtype if one matches, and a name for messages.
  TypeClass type_class() const;
  std::optional<DType> stored_dtype() const;
  std::string type_name() const;
  // All values converted by HDF5 to `dtype` (integers to floats, wider to narrower, ...), as a
  // contiguous CPU tensor of the dataset's shape.
  Tensor read(DType dtype) const;
  // All values in the stored dtype; fails when no dtype of ours holds the stored type.
  Tensor read() const;

 private:
  friend class Group;
  using Object::Object;
};

class File {
 public:
  enum class Mode { ReadOnly, ReadWrite };
  // Fails with a message naming the path when it is missing or not an HDF5 file.
  static File open(const std::string& path, Mode mode = Mode::ReadOnly);
  // Creates a file, built in memory until close() writes it to `path` (replacing what is there);
  // object modification times are not recorded, so the same contents give the same bytes.
  static File create(const std::string& path);

  ~File() { release(); }
  File(File&&) noexcept = default;
  File& operator=(File&& other) noexcept;

  const std::string& path() const { return path_; }
  Group root() const;
  // Flushes HDF5's caches to the file (for a created file, to its memory image).
  void flush() const;
  // Flushes and closes, reporting failures (a destructor cannot). A created file is built in
  // memory and reaches the disk only here, in one write whose failure (a full disk) is reported
  // with the system's reason; a created file that is never closed is never written.
  void close();

 private:
  File(std::string path, Handle handle) : path_(std::move(path)), handle_(std::move(handle)) {}
  void release() noexcept;
  std::string path_;
  Handle handle_;
  bool in_memory_ = false;  // made by create(): close() writes its image to path_
};

}  // namespace semisam::io::h5

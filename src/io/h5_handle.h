// Move-only owner of one HDF5 C identifier, and the checks that turn HDF5 failures into
// semisam::Error with HDF5's own explanation attached.
#pragma once

#include <hdf5.h>

#include <string>

namespace semisam::io::h5 {

// Which H5*close function releases an identifier.
enum class HandleKind { File, Group, Dataset, Dataspace, Datatype, Attribute, PropertyList };

class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, HandleKind kind) : id_(id), kind_(kind) {}
  ~Handle() { reset(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(other.id_), kind_(other.kind_) {
    other.id_ = H5I_INVALID_HID;
  }
  Handle& operator=(Handle&& other) noexcept;

  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }
  HandleKind kind() const { return kind_; }
  // Closes now and throws if HDF5 reports a failure (closing a file flushes it, which can fail);
  // `what` names the object for the message.
  void close(const std::string& what);
  // Closes and ignores failures: for destructors and error paths.
  void reset() noexcept;

 private:
  hid_t id_ = H5I_INVALID_HID;
  HandleKind kind_ = HandleKind::File;
};

// Stops HDF5 from printing its error stack to stderr (once per process): every failure reaches
// the caller as an exception instead, with the stack's text in the message.
void quiet_hdf5_errors();

// The current HDF5 error stack as one line (most specific message last), then clears it.
std::string take_hdf5_error_text();

// Throw "<what>: <HDF5's explanation>" when an HDF5 call failed (negative result).
hid_t check_id(hid_t id, const std::string& what);
herr_t check_status(herr_t status, const std::string& what);

// Wrap a fresh identifier of the given kind, checking it first.
Handle make_handle(hid_t id, HandleKind kind, const std::string& what);

}  // namespace semisam::io::h5

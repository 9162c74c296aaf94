// Closing HDF5 identifiers and converting HDF5's error stack into exception messages.
#include "io/h5_handle.h"

#include <algorithm>
#include <mutex>
#include <vector>

#include "tensor/error.h"

namespace semisam::io::h5 {
namespace {

herr_t close_id(hid_t id, HandleKind kind) {
  switch (kind) {
    case HandleKind::File: return H5Fclose(id);
    case HandleKind::Group: return H5Gclose(id);
    case HandleKind::Dataset: return H5Dclose(id);
    case HandleKind::Dataspace: return H5Sclose(id);
    case HandleKind::Datatype: return H5Tclose(id);
    case HandleKind::Attribute: return H5Aclose(id);
    case HandleKind::PropertyList: return H5Pclose(id);
  }
  return -1;
}

// HDF5's system-call failures read "file write failed: time = <date>\n, filename = …, errno =
// 28, error message = 'No space left on device', buf = 0x…, …": the system's reason is the part
// a person needs, and the address and sizes differ between otherwise equal entries.
std::string condensed(const std::string& description) {
  const std::string marker = "error message = '";
  const size_t at = description.find(marker);
  if (at == std::string::npos) return description;
  const size_t begin = at + marker.size();
  const size_t end = description.find('\'', begin);
  const size_t colon = description.find(':');
  const std::string what = colon < at ? description.substr(0, colon) : "system call failed";
  return what + ": " + description.substr(begin, end == std::string::npos ? end : end - begin);
}

herr_t collect_description(unsigned, const H5E_error2_t* entry, void* client) {
  auto* parts = static_cast<std::vector<std::string>*>(client);
  if (entry->desc && *entry->desc) parts->push_back(condensed(entry->desc));
  return 0;
}

}  // namespace

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    kind_ = other.kind_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::close(const std::string& what) {
  if (!valid()) return;
  hid_t id = id_;
  id_ = H5I_INVALID_HID;
  check_status(close_id(id, kind_), "closing " + what);
}

void Handle::reset() noexcept {
  if (!valid()) return;
  // A failing close leaves HDF5 1.10 with a freed object behind a live identifier, which its exit
  // handler then closes again (a crash). Files we write are built in memory (File::create), so
  // no close here can meet a disk error.
  close_id(id_, kind_);
  id_ = H5I_INVALID_HID;
  H5Eclear2(H5E_DEFAULT);
}

void quiet_hdf5_errors() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

std::string take_hdf5_error_text() {
  std::vector<std::string> parts;
  // Walking downward lists the outermost API call first and the root cause last.
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_description, &parts);
  H5Eclear2(H5E_DEFAULT);
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    // Each layer of HDF5 that passes a failure up may repeat the text below it (a full disk's
    // "No space left on device" came two to four times); one mention is enough.
    if (std::find(parts.begin(), parts.begin() + i, part) != parts.begin() + i) continue;
    if (!text.empty()) text += "; ";
    text += part;
  }
  return text.empty() ? "no details from HDF5" : text;
}

hid_t check_id(hid_t id, const std::string& what) {
  if (id < 0) SEMISAM_FAIL(what, " failed (HDF5: ", take_hdf5_error_text(), ")");
  return id;
}

herr_t check_status(herr_t status, const std::string& what) {
  if (status < 0) SEMISAM_FAIL(what, " failed (HDF5: ", take_hdf5_error_text(), ")");
  return status;
}

Handle make_handle(hid_t id, HandleKind kind, const std::string& what) {
  return Handle(check_id(id, what), kind);
}

}  // namespace semisam::io::h5

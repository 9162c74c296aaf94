// Variable-length string attributes, resolved by semisam instead of libhdf5 (see the header).
// The layouts read here are those of the HDF5 file format specification: the superblock
// (versions 0-3), the global heap collection ("GCOL", version 1) and the disk form of a
// variable-length element (4-byte length, heap address, 4-byte object index).
#include "io/h5_vlen_string.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <vector>

#include "io/h5_handle.h"
#include "io/h5_raw_file.h"
#include "tensor/error.h"

namespace semisam::io::h5 {
namespace {

// The tag of the opaque memory type that receives a reference's raw bytes.
constexpr const char* kRawReferenceTag = "semisam: raw variable-length reference";

// The conversion "variable-length string on disk -> our opaque type": the element's disk form is
// already in the buffer, and it is exactly what we want, so converting is copying nothing. Only
// this pair is accepted; HDF5 asks (H5T_CONV_INIT) before it uses the function for a path.
herr_t keep_raw_reference(hid_t source, hid_t destination, H5T_cdata_t* cdata, size_t, size_t,
                          size_t, void*, void*, hid_t) {
  switch (cdata->command) {
    case H5T_CONV_INIT: {
      cdata->need_bkg = H5T_BKG_NO;
      if (H5Tis_variable_str(source) <= 0 || H5Tget_class(destination) != H5T_OPAQUE) return -1;
      char* tag = H5Tget_tag(destination);
      const bool ours = tag && std::strcmp(tag, kRawReferenceTag) == 0;
      H5free_memory(tag);
      // Same size: the disk form of one element, copied unchanged.
      return ours && H5Tget_size(source) == H5Tget_size(destination) ? 0 : -1;
    }
    case H5T_CONV_CONV:
    case H5T_CONV_FREE:
      return 0;
  }
  return -1;
}

void register_raw_reference_conversion() {
  static std::once_flag once;
  std::call_once(once, [] {
    Handle source = make_handle(H5Tcopy(H5T_C_S1), HandleKind::Datatype, "copying the string type");
    check_status(H5Tset_size(source.id(), H5T_VARIABLE), "making a variable-length string type");
    Handle destination = make_handle(H5Tcreate(H5T_OPAQUE, 16), HandleKind::Datatype,
                                     "making the raw reference type");
    check_status(H5Tset_tag(destination.id(), kRawReferenceTag), "tagging the raw reference type");
    check_status(H5Tregister(H5T_PERS_SOFT, "semisam_raw_vlen", source.id(), destination.id(),
                             keep_raw_reference),
                 "registering the raw variable-length reference conversion");
  });
}

constexpr uint64_t align8(uint64_t size) { return (size + 7) / 8 * 8; }

}  // namespace

std::string read_vlen_string_attribute(hid_t attribute, const std::string& what) {
  const std::string& where = what;  // names the file already
  Handle space = make_handle(H5Aget_space(attribute), HandleKind::Dataspace, where);
  SEMISAM_CHECK(H5Sget_simple_extent_npoints(space.id()) == 1, where, ": expected a single string");

  // The bytes must come from the file libhdf5 has open, not from whatever the path names now
  // (a checkpoint may have been renamed over since). A file libhdf5 reads through its POSIX
  // driver lends us its descriptor; any other (a file this process built in memory, hence not
  // hostile) is read by libhdf5 itself.
  Handle file_id = make_handle(H5Iget_file_id(attribute), HandleKind::File, where);
  Handle access = make_handle(H5Fget_access_plist(file_id.id()), HandleKind::PropertyList, where);
  if (H5Pget_driver(access.id()) != H5FD_SEC2) {
    Handle memory = make_handle(H5Aget_type(attribute), HandleKind::Datatype, where);
    char* text = nullptr;
    check_status(H5Aread(attribute, memory.id(), &text), "reading " + where);
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  void* handle = nullptr;
  check_status(H5Fget_vfd_handle(file_id.id(), access.id(), &handle), "reading " + where);
  RawFile file = RawFile::borrow(*static_cast<int*>(handle), where);

  register_raw_reference_conversion();

  // 1. The reference's raw bytes: length, collection address, object index.
  hsize_t stored = H5Aget_storage_size(attribute);
  SEMISAM_CHECK(stored == 4 + 2 + 4 || stored == 4 + 4 + 4 || stored == 4 + 8 + 4, where,
                ": a variable-length string reference of ", stored,
                " bytes; files of 2-, 4- or 8-byte addresses are read, and this one is damaged or "
                "uses wider ones");
  Handle raw_type = make_handle(H5Tcreate(H5T_OPAQUE, size_t(stored)), HandleKind::Datatype,
                                "making the raw reference type");
  check_status(H5Tset_tag(raw_type.id(), kRawReferenceTag), "tagging the raw reference type");
  std::array<unsigned char, 16> raw{};
  check_status(H5Aread(attribute, raw_type.id(), raw.data()), "reading " + where);
  const unsigned address_size = unsigned(stored) - 8;
  const uint32_t length = uint32_t(little_endian(raw.data(), 4));
  const uint64_t collection = little_endian(raw.data() + 4, address_size);
  const uint32_t index = uint32_t(little_endian(raw.data() + 4 + address_size, 4));
  // HDF5 writes a null (or empty) string as address 0.
  if (collection == 0 || length == 0) return "";

  // 2. The collection, found and checked in the file itself.
  SuperblockSearch search = find_superblock(file, where);
  SEMISAM_CHECK(search.found, where, ": no HDF5 superblock found");
  const Superblock& super = search.superblock;
  SEMISAM_CHECK(super.sizeof_offsets == address_size, where, ": a ", address_size,
                "-byte heap address in a file of ", super.sizeof_offsets,
                "-byte addresses; the file is damaged");
  const unsigned L = super.sizeof_lengths;
  const uint64_t header_size = align8(4 + 1 + 3 + L);
  const uint64_t object_header_size = align8(2 + 2 + 4 + L);
  SEMISAM_CHECK(collection <= file.size() && super.location <= file.size() - collection, where,
                ": its global heap address ", collection, " lies beyond the end of the file (",
                file.size(), " bytes); the file is damaged");
  const uint64_t start = super.location + collection;
  std::vector<unsigned char> header = file.read(start, header_size, "global heap header");
  SEMISAM_CHECK(std::memcmp(header.data(), "GCOL", 4) == 0 && header[4] == 1, where,
                ": no global heap collection at address ", collection, "; the file is damaged");
  const uint64_t collection_size = little_endian(header.data() + 8, L);
  SEMISAM_CHECK(collection_size >= header_size && file.holds(start, collection_size), where,
                ": the global heap collection at ", collection, " declares ", collection_size,
                " bytes, more than the file holds after it; the file is damaged");
  std::vector<unsigned char> heap = file.read(start, collection_size, "global heap collection");

  // 3. The object: walked to as HDF5 walks the collection, but every step is bounded.
  uint64_t at = header_size;
  while (at < collection_size && collection_size - at >= object_header_size) {
    const unsigned char* object = heap.data() + at;
    const uint32_t object_index = uint32_t(little_endian(object, 2));
    const uint64_t object_size = little_endian(object + 8, L);
    const uint64_t room = collection_size - at;
    if (object_index == 0) {
      // Free space: its size counts its own header; it must advance the walk and fit.
      SEMISAM_CHECK(object_size >= object_header_size && object_size <= room, where,
                    ": the global heap collection at ", collection, " has a free-space block of ",
                    object_size, " bytes at offset ", at, " where ", room,
                    " remain; the file is damaged");
      at += object_size;
      continue;
    }
    SEMISAM_CHECK(object_size <= room - object_header_size, where, ": object ", object_index,
                  " of the global heap collection at ", collection, " declares ", object_size,
                  " bytes where ", room - object_header_size, " remain; the file is damaged");
    if (object_index == index) {
      SEMISAM_CHECK(object_size == length, where, ": the string is ", length,
                    " bytes long but its heap object holds ", object_size, "; the file is damaged");
      const char* text = reinterpret_cast<const char*>(object + object_header_size);
      // As a C string, like HDF5's own conversion: up to the first NUL.
      return std::string(text, strnlen(text, object_size));
    }
    at += std::min<uint64_t>(room, object_header_size + align8(object_size));
  }
  SEMISAM_FAIL(where, ": the global heap collection at ", collection, " has no object ", index,
               "; the file is damaged");
}

}  // namespace semisam::io::h5

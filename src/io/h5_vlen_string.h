// Reading a variable-length string attribute without letting libhdf5 touch the global heap.
//
// A variable-length string is stored as a reference (length, heap-collection address, object
// index) into a "global heap" collection elsewhere in the file. libhdf5 1.10 trusts that heap:
// H5Aread copies as many bytes as a corrupt object claims (a 693-byte file made it copy 1.5 GB
// and crash), loops forever on a zero-sized free-space object, and reads past its object table
// for an index the collection does not hold. Those are bugs inside HDF5 that no caller can
// prevent through the API, so semisam never asks HDF5 to dereference the reference: it takes the
// attribute's raw reference bytes from HDF5 (through a conversion function of our own that only
// copies them), then finds and bounds-checks the collection and the object in the file itself.
#pragma once

#include <hdf5.h>

#include <string>

namespace semisam::io::h5 {

// The value of the scalar variable-length string attribute `attribute`, read from the file
// libhdf5 has open (through its descriptor, not its path); `what` names the file and the
// attribute for messages. A damaged reference, superblock, collection or object is an error
// saying what is wrong; nothing is read beyond what the file holds, and nothing larger than the
// file is allocated.
std::string read_vlen_string_attribute(hid_t attribute, const std::string& what);

}  // namespace semisam::io::h5

// The HDF5 checkpoint reader (format, version, groups, tensors and their checksums, random
// streams), fed through a file.
#include <cstddef>
#include <cstdint>

#include "fuzz_input_file.h"
#include "h5_open_objects.h"
#include "io/checkpoint.h"
#include "tensor/error.h"
#include "tensor/memory.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  semisam::fuzz::bound_volumes_for_fuzzing();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = semisam::fuzz::write_input("checkpoint.h5", data, size);
  try {
    semisam::io::read_checkpoint(path, true);
  } catch (const semisam::Error&) {
  }
  semisam::fuzz::abort_if_hdf5_objects_open();
  // The host allocator caches freed blocks of 64 KiB and more; dropped after each input, else
  // LeakSanitizer reports whatever the cache holds when the process exits (its map dies first).
  semisam::release_host_cache();
  return 0;
}

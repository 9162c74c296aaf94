// The HDF5 case reader (image + label datasets, their checks and geometry attributes), fed
// through a file. libhdf5 itself is not instrumented: findings inside it show as crashes or
// leaks with its frames.
#include <cstddef>
#include <cstdint>

#include "fuzz_input_file.h"
#include "h5_open_objects.h"
#include "io/dataset.h"
#include "tensor/error.h"
#include "tensor/memory.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  semisam::fuzz::bound_volumes_for_fuzzing();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = semisam::fuzz::write_input("case.h5", data, size);
  semisam::io::DatasetOptions options;
  options.num_classes = 4;
  try {
    semisam::io::load_case_file(path, "case", options, semisam::io::LabelMode::IfPresent);
  } catch (const semisam::Error&) {
  }
  semisam::fuzz::abort_if_hdf5_objects_open();
  // The host allocator caches freed blocks of 64 KiB and more; dropped after each input, else
  // LeakSanitizer reports whatever the cache holds when the process exits (its map dies first).
  semisam::release_host_cache();
  return 0;
}

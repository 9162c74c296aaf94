// The NIfTI reader on .nii and .nii.gz files (gzip magic decides the name, so the corpus holds
// both), read both as an image and as a label map, as `predict` and `import` read them.
#include <cstddef>
#include <cstdint>

#include "fuzz_input_file.h"
#include "io/nifti_dataset.h"
#include "io/nifti_io.h"
#include "tensor/error.h"
#include "tensor/memory.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  semisam::fuzz::bound_volumes_for_fuzzing();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const bool gzipped = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  const std::string path =
      semisam::fuzz::write_input(gzipped ? "input.nii.gz" : "input.nii", data, size);
  try {
    semisam::io::read_nifti_scan(path);
  } catch (const semisam::Error&) {
  }
  try {
    semisam::io::read_nifti(path, semisam::io::NiftiVoxels::UInt8);
  } catch (const semisam::Error&) {
  }
  // The host allocator caches freed blocks of 64 KiB and more; dropped after each input, else
  // LeakSanitizer reports whatever the cache holds when the process exits (its map dies first).
  semisam::release_host_cache();
  return 0;
}

// nnU-Net's dataset.json as `import` reads it: the input becomes ROOT/dataset.json next to an
// imagesTr/ folder holding one (empty) image, then the layout is discovered.
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>

#include "fuzz_input_file.h"
#include "io/nifti_dataset.h"
#include "tensor/error.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  semisam::fuzz::bound_volumes_for_fuzzing();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& root = semisam::fuzz::scratch_dir();
  static const bool made = [&] {
    mkdir((root + "/imagesTr").c_str(), 0700);
    mkdir((root + "/labelsTr").c_str(), 0700);
    semisam::fuzz::write_input("imagesTr/case_0000.nii.gz", nullptr, 0);
    semisam::fuzz::write_input("imagesTr/case_0000.nii", nullptr, 0);
    semisam::fuzz::write_input("labelsTr/case.nii.gz", nullptr, 0);
    return true;
  }();
  (void)made;
  semisam::fuzz::write_input("dataset.json", data, size);
  try {
    semisam::io::find_nnunet_dataset(root);
  } catch (const semisam::Error&) {
  }
  return 0;
}

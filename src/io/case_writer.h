// Writing one case in the reference layout (an .h5 file with `image` and `label`), atomically.
#pragma once

#include <string>

#include "tensor/tensor.h"

namespace semisam::io {

// Writes `image` (stored as given) and, when defined, `label` (deflate-compressed) to `path`
// through a temporary file and a rename, so readers never see half a case.
void write_case_file(const std::string& path, const Tensor& image, const Tensor& label,
                     const std::string& image_key = "image", const std::string& label_key = "label");

}  // namespace semisam::io

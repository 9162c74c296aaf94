// Writing one case in the reference layout (an .h5 file with `image` and `label`), atomically.
#pragma once

#include <functional>
#include <string>

#include "io/h5_file.h"

#include "tensor/tensor.h"

namespace semisam::io {

// Writes `image` (stored as given) and, when defined, `label` (deflate-compressed) to `path`
// (with whatever attributes `add_attributes` puts on the root group) through a temporary file
// and a rename, so readers never see half a case.
void write_case_file(const std::string& path, const Tensor& image, const Tensor& label,
                     const std::string& image_key = "image", const std::string& label_key = "label",
                     const std::function<void(const h5::Group& root)>& add_attributes = {});

}  // namespace semisam::io

// Atomic writing of case files.
#include "io/case_writer.h"

#include "io/atomic_file.h"
#include "io/h5_file.h"
#include "tensor/error.h"

namespace semisam::io {

void write_case_file(const std::string& path, const Tensor& image, const Tensor& label,
                     const std::string& image_key, const std::string& label_key,
                     const std::function<void(const h5::Group& root)>& add_attributes) {
  SEMISAM_CHECK(image.defined() && image.dim() == 3, "writing ", path,
                ": the image must be a 3-D tensor, got ", image.defined() ? image.str() : "none");
  SEMISAM_CHECK(!label.defined() || label.shape() == image.shape(), "writing ", path,
                ": image shape ", shape_str(image.shape()), " and label shape ",
                shape_str(label.shape()), " differ");
  write_atomically(path, [&](const std::string& temporary) {
    h5::File file = h5::File::create(temporary);
    {
      h5::Group root = file.root();
      root.write_tensor(image_key, image);
      // Label maps are mostly runs of one value: compression shrinks them many times over.
      if (label.defined()) root.write_tensor(label_key, label, h5::DatasetLayout{4});
      if (add_attributes) add_attributes(root);
    }
    file.close();
  });
}

}  // namespace semisam::io

// Writing NIfTI files that carry their source scan's geometry.
#include "io/scan_geometry.h"

#include "io/nifti_io.h"

namespace semisam::io {

ScanGeometry geometry_of(const NiftiHeader& header) {
  ScanGeometry g;
  g.spacing = header.spacing_mm();
  g.nifti = header;
  return g;
}

void write_nifti_with_geometry(const std::string& path, const Tensor& volume,
                               const ScanGeometry& geometry) {
  if (geometry.nifti) {
    write_nifti_like(path, volume, *geometry.nifti);
    return;
  }
  write_nifti_with_spacing(path, volume, geometry.spacing_or_unit());
}

}  // namespace semisam::io

// Where a volume's voxels sit in the world, as far as its file says: nothing (the reference's
// plain HDF5), a voxel size (an HDF5 `spacing` attribute), or a full NIfTI geometry (a NIfTI
// file, or an HDF5 case imported from one). Every NIfTI written from a volume goes through
// write_nifti_with_geometry so that it overlays its source scan.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "io/nifti_header.h"
#include "tensor/tensor.h"

namespace semisam::io {

struct ScanGeometry {
  std::optional<std::array<double, 3>> spacing;  // mm along axes 0, 1, 2
  std::optional<NiftiHeader> nifti;              // the source's geometry (dims = the volume's)

  bool has_spacing() const { return spacing.has_value(); }
  bool has_nifti() const { return nifti.has_value(); }
  // The voxel size in mm, or 1 × 1 × 1 (distances in voxels) when unknown.
  std::array<double, 3> spacing_or_unit() const {
    return spacing ? *spacing : std::array<double, 3>{1, 1, 1};
  }
  // "mm" when the spacing is known, else "voxels": the unit of distances measured on the volume.
  const char* distance_unit() const { return spacing ? "mm" : "voxels"; }
};

// The geometry of a NIfTI header (its spacing and the header itself).
ScanGeometry geometry_of(const NiftiHeader& header);

// Writes `volume` ([X, Y, Z] or [X, Y, Z, C], CPU) as NIfTI atomically: with the source's
// geometry when known, else with its spacing and an identity orientation, else with 1 mm voxels
// and an identity orientation (the file then does not overlay anything: callers log that once).
void write_nifti_with_geometry(const std::string& path, const Tensor& volume,
                               const ScanGeometry& geometry);

}  // namespace semisam::io

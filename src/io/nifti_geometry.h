// The geometry of a NIfTI scan (voxel → world affine, orientation codes, voxel size) and how it
// travels inside an HDF5 case file, so that a scan imported into the reference's HDF5 layout can
// give its geometry back to every NIfTI written from it.
//
// HDF5 attributes on the root group of ROOT/data/<case>.h5 (all optional; the reference's files
// have none):
//   spacing            double[3]  voxel size in mm along the array's axes 0, 1, 2 (= NIfTI x, y, z)
//   affine             double[16] voxel → world (mm) matrix, row major (sform, else qform)
//   orientation        string     axis codes of the affine, e.g. "LPS" (nibabel's aff2axcodes)
//   nifti_pixdim       double[8]  the source header's pixdim (pixdim[0] = qfac)
//   nifti_xyzt_units   int        its units code
//   nifti_qform_code, nifti_sform_code  int
//   nifti_quatern      double[6]  quatern_b, _c, _d, qoffset_x, _y, _z
//   nifti_srow         double[12] srow_x, srow_y, srow_z
//   source_image       string     the file it was imported from
// NIfTI stores float32, so these doubles give back the header's values exactly.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "io/h5_file.h"
#include "io/nifti_header.h"

namespace semisam::io {

using Affine = std::array<std::array<double, 4>, 4>;

// Voxel (i, j, k) → world (mm): the sform when sform_code > 0, else the qform when
// qform_code > 0, else pixdim scaling (NIfTI "method 1").
Affine nifti_affine(const NiftiHeader& header);

// Three letters naming the world direction each voxel axis points to (R/L, A/P, S/I), chosen by
// the largest component of each affine column, as nibabel's aff2axcodes for non-degenerate ones.
std::string orientation_codes(const Affine& affine);

// Whether two headers place voxels at the same world positions: same x, y, z sizes and affines
// equal within `tolerance` (relative to the largest entry).
bool same_geometry(const NiftiHeader& a, const NiftiHeader& b, double tolerance = 1e-4);

// Writes the attributes above from `header` (and `source`) onto `group`.
void write_geometry_attributes(const h5::Group& group, const NiftiHeader& header,
                               const std::string& source);

// The voxel size of a case file: its `spacing` attribute when present (validated: three
// finite positive numbers).
std::optional<std::array<double, 3>> read_spacing_attribute(const h5::Group& group);

// A NIfTI header for a volume of `shape` with the geometry stored on `group`, when the file has
// the nifti_* attributes; the datatype is float32 (writers set their own).
std::optional<NiftiHeader> read_geometry_attributes(const h5::Group& group, const Shape& shape);

}  // namespace semisam::io

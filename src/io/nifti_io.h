// Reading and writing NIfTI-1 volumes (.nii, and .nii.gz through zlib) as tensors.
//
// Axis order: a volume read from a file whose header says dim = (nx, ny, nz) is a tensor of shape
// [nx, ny, nz] (C order, z fastest) whose element (i, j, k) is voxel (i, j, k) of the file (which
// stores x fastest); writing does the inverse. This matches the [x][y][z] order of the HDF5 data.
#pragma once

#include <array>
#include <string>

#include "io/nifti_header.h"
#include "tensor/tensor.h"

namespace semisam::io {

// What read_nifti converts voxels to.
enum class NiftiVoxels {
  Float32,  // images: scl_slope/scl_inter applied
  UInt8,    // label maps: after scaling every value must be an integer in 0..255
};

struct NiftiImage {
  NiftiHeader header;  // as stored (datatype keeps the file's original type)
  Tensor voxels;       // CPU, contiguous, shape header.shape()
  NiftiDataType stored_type() const { return NiftiDataType(header.datatype); }
};

NiftiHeader read_nifti_header(const std::string& path);
NiftiImage read_nifti(const std::string& path, NiftiVoxels as = NiftiVoxels::Float32);

// Writes `volume` (CPU; float32, float64, int32 or uint8; any strides) with `header`'s geometry,
// converting values to header.datatype (integers must be whole and in range). The header's dims
// must equal the volume's shape. A name ending in ".gz" is gzip-compressed. The file appears
// atomically: a reader sees the previous file or the complete new one.
void write_nifti(const std::string& path, const Tensor& volume, const NiftiHeader& header);

// Same, for a new image with identity orientation and the given voxel size; the datatype follows
// the volume's dtype.
void write_nifti_with_spacing(const std::string& path, const Tensor& volume,
                              const std::array<double, 3>& spacing_mm = {1, 1, 1});

// Same, copying the geometry of `source` (e.g. the image a prediction was made from) so that the
// result overlays it in a viewer; the datatype follows the volume's dtype.
void write_nifti_like(const std::string& path, const Tensor& volume, const NiftiHeader& source);

}  // namespace semisam::io

// The NIfTI-1 header (all 348 bytes as named fields), its parsing with byte-order detection and
// its serialisation, plus constructors for the header of a new image.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "tensor/tensor.h"

namespace semisam::io {

// NIfTI-1 datatype codes. Reading accepts all of these; writing accepts the first five.
enum class NiftiDataType : int16_t {
  UInt8 = 2, Int16 = 4, Int32 = 8, Float32 = 16, Float64 = 64,
  Int8 = 256, UInt16 = 512, UInt32 = 768, Int64 = 1024, UInt64 = 1280,
};
const char* nifti_datatype_name(NiftiDataType type);
int nifti_datatype_bytes(NiftiDataType type);  // 0 for a code this reader does not know
bool nifti_datatype_known(int16_t code);

struct NiftiHeader {
  char data_type[10] = {};
  char db_name[18] = {};
  int32_t extents = 0;
  int16_t session_error = 0;
  char regular = 'r';
  uint8_t dim_info = 0;
  std::array<int16_t, 8> dim{};       // dim[0] = number of axes, dim[1..] = sizes
  float intent_p1 = 0, intent_p2 = 0, intent_p3 = 0;
  int16_t intent_code = 0;
  int16_t datatype = 0;               // a NiftiDataType code
  int16_t bitpix = 0;
  int16_t slice_start = 0;
  std::array<float, 8> pixdim{};      // pixdim[0] = qfac (±1), pixdim[1..3] = voxel size
  float vox_offset = 352;
  float scl_slope = 1, scl_inter = 0;
  int16_t slice_end = 0;
  uint8_t slice_code = 0;
  uint8_t xyzt_units = 0;             // spatial unit in bits 0-2: 1 m, 2 mm, 3 µm
  float cal_max = 0, cal_min = 0;
  float slice_duration = 0, toffset = 0;
  int32_t glmax = 0, glmin = 0;
  char descrip[80] = {};
  char aux_file[24] = {};
  int16_t qform_code = 0, sform_code = 0;
  float quatern_b = 0, quatern_c = 0, quatern_d = 0;
  float qoffset_x = 0, qoffset_y = 0, qoffset_z = 0;
  std::array<float, 4> srow_x{}, srow_y{}, srow_z{};
  char intent_name[16] = {};
  char magic[4] = {'n', '+', '1', '\0'};

  // The image's shape: dim[1..dim[0]] with trailing size-1 axes beyond the third dropped.
  Shape shape() const;
  // Voxel size along x, y, z in millimetres (pixdim[1..3] in the header's spatial unit).
  std::array<double, 3> spacing_mm() const;
  // The slope/intercept to apply on read, or (1, 0) when the header asks for none.
  std::pair<double, double> scaling() const;
};

constexpr size_t kNiftiHeaderBytes = 348;

// Parses a header; detects byte-swapped files (sets *swapped) and refuses NIfTI-2, .hdr/.img
// pairs and malformed dims. `path` is for error messages.
NiftiHeader parse_nifti_header(const uint8_t* bytes, size_t size, const std::string& path,
                               bool* swapped);
// The 348 bytes of a single-file (n+1) header in native (little-endian on every supported host)
// byte order.
std::array<uint8_t, kNiftiHeaderBytes> serialize_nifti_header(const NiftiHeader& header);

// The datatype code that stores a tensor dtype without loss (throws for bfloat16/float16/int64).
NiftiDataType nifti_datatype_for(DType dtype);

// A header for a new image of this shape: identity orientation (qform and sform, code 1 =
// scanner) with the given voxel size, in millimetres.
NiftiHeader nifti_header_new(const Shape& shape, NiftiDataType datatype,
                             const std::array<double, 3>& spacing_mm = {1, 1, 1});
// A header for a new image that keeps the geometry of `source` (pixdim, units, qform, sform), so
// the new image overlays the source in a viewer; shape must have the source's x, y, z sizes.
NiftiHeader nifti_header_like(const NiftiHeader& source, const Shape& shape,
                              NiftiDataType datatype);

}  // namespace semisam::io

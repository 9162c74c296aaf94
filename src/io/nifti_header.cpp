// NIfTI-1 header layout (one table of field offsets used for both parsing and writing), byte-order
// detection, validation and headers for new images.
#include "io/nifti_header.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "tensor/error.h"

namespace semisam::io {
namespace {

// Visits every header field with its byte offset; the same table drives reading and writing.
template <typename Header, typename Visitor>
void visit_fields(Header& h, Visitor& v) {
  v.bytes(4, h.data_type, 10);
  v.bytes(14, h.db_name, 18);
  v.num(32, h.extents);
  v.num(36, h.session_error);
  v.bytes(38, &h.regular, 1);
  v.num(39, h.dim_info);
  for (int i = 0; i < 8; ++i) v.num(40 + 2 * i, h.dim[size_t(i)]);
  v.num(56, h.intent_p1);
  v.num(60, h.intent_p2);
  v.num(64, h.intent_p3);
  v.num(68, h.intent_code);
  v.num(70, h.datatype);
  v.num(72, h.bitpix);
  v.num(74, h.slice_start);
  for (int i = 0; i < 8; ++i) v.num(76 + 4 * i, h.pixdim[size_t(i)]);
  v.num(108, h.vox_offset);
  v.num(112, h.scl_slope);
  v.num(116, h.scl_inter);
  v.num(120, h.slice_end);
  v.num(122, h.slice_code);
  v.num(123, h.xyzt_units);
  v.num(124, h.cal_max);
  v.num(128, h.cal_min);
  v.num(132, h.slice_duration);
  v.num(136, h.toffset);
  v.num(140, h.glmax);
  v.num(144, h.glmin);
  v.bytes(148, h.descrip, 80);
  v.bytes(228, h.aux_file, 24);
  v.num(252, h.qform_code);
  v.num(254, h.sform_code);
  v.num(256, h.quatern_b);
  v.num(260, h.quatern_c);
  v.num(264, h.quatern_d);
  v.num(268, h.qoffset_x);
  v.num(272, h.qoffset_y);
  v.num(276, h.qoffset_z);
  for (int i = 0; i < 4; ++i) v.num(280 + 4 * i, h.srow_x[size_t(i)]);
  for (int i = 0; i < 4; ++i) v.num(296 + 4 * i, h.srow_y[size_t(i)]);
  for (int i = 0; i < 4; ++i) v.num(312 + 4 * i, h.srow_z[size_t(i)]);
  v.bytes(328, h.intent_name, 16);
  v.bytes(344, h.magic, 4);
}

struct FieldReader {
  const uint8_t* src;
  bool swap;
  template <typename T>
  void num(size_t offset, T& value) {
    uint8_t raw[sizeof(T)];
    std::memcpy(raw, src + offset, sizeof(T));
    if (swap) std::reverse(raw, raw + sizeof(T));
    std::memcpy(&value, raw, sizeof(T));
  }
  void bytes(size_t offset, char* dst, size_t n) { std::memcpy(dst, src + offset, n); }
};

struct FieldWriter {
  uint8_t* dst;
  template <typename T>
  void num(size_t offset, const T& value) { std::memcpy(dst + offset, &value, sizeof(T)); }
  void bytes(size_t offset, const char* src, size_t n) { std::memcpy(dst + offset, src, n); }
};

int32_t read_i32(const uint8_t* p, bool swap) {
  uint8_t raw[4] = {p[0], p[1], p[2], p[3]};
  if (swap) std::reverse(raw, raw + 4);
  int32_t v;
  std::memcpy(&v, raw, 4);
  return v;
}

void set_dims(NiftiHeader& h, const Shape& shape) {
  SEMISAM_CHECK(!shape.empty() && shape.size() <= 7, "NIfTI image must have 1 to 7 axes, got ",
                shape_str(shape));
  h.dim.fill(1);
  h.dim[0] = int16_t(shape.size());
  for (size_t i = 0; i < shape.size(); ++i) {
    SEMISAM_CHECK(shape[i] >= 1 && shape[i] <= 32767, "NIfTI-1 axis sizes must be 1..32767, got ",
                  shape_str(shape));
    h.dim[i + 1] = int16_t(shape[i]);
  }
}

void set_datatype(NiftiHeader& h, NiftiDataType type) {
  SEMISAM_CHECK(type == NiftiDataType::UInt8 || type == NiftiDataType::Int16 ||
                    type == NiftiDataType::Int32 || type == NiftiDataType::Float32 ||
                    type == NiftiDataType::Float64,
                "writing NIfTI datatype ", nifti_datatype_name(type), " is not supported");
  h.datatype = int16_t(type);
  h.bitpix = int16_t(8 * nifti_datatype_bytes(type));
}

}  // namespace

const char* nifti_datatype_name(NiftiDataType type) {
  switch (type) {
    case NiftiDataType::UInt8: return "uint8";
    case NiftiDataType::Int16: return "int16";
    case NiftiDataType::Int32: return "int32";
    case NiftiDataType::Float32: return "float32";
    case NiftiDataType::Float64: return "float64";
    case NiftiDataType::Int8: return "int8";
    case NiftiDataType::UInt16: return "uint16";
    case NiftiDataType::UInt32: return "uint32";
    case NiftiDataType::Int64: return "int64";
    case NiftiDataType::UInt64: return "uint64";
  }
  return "unknown";
}

int nifti_datatype_bytes(NiftiDataType type) {
  switch (type) {
    case NiftiDataType::UInt8:
    case NiftiDataType::Int8: return 1;
    case NiftiDataType::Int16:
    case NiftiDataType::UInt16: return 2;
    case NiftiDataType::Int32:
    case NiftiDataType::UInt32:
    case NiftiDataType::Float32: return 4;
    case NiftiDataType::Float64:
    case NiftiDataType::Int64:
    case NiftiDataType::UInt64: return 8;
  }
  return 0;
}

bool nifti_datatype_known(int16_t code) {
  return nifti_datatype_bytes(NiftiDataType(code)) != 0;
}

Shape NiftiHeader::shape() const {
  Shape s(dim.begin() + 1, dim.begin() + 1 + dim[0]);
  while (s.size() > 3 && s.back() == 1) s.pop_back();
  return s;
}

std::array<double, 3> NiftiHeader::spacing_mm() const {
  double unit = 1.0;  // unknown units are taken as millimetres, as viewers do
  switch (xyzt_units & 0x07) {
    case 1: unit = 1000.0; break;
    case 3: unit = 0.001; break;
    default: break;
  }
  return {std::fabs(pixdim[1]) * unit, std::fabs(pixdim[2]) * unit, std::fabs(pixdim[3]) * unit};
}

std::pair<double, double> NiftiHeader::scaling() const {
  // The standard: slope 0 means "no scaling"; NaN/Inf are treated the same way (nibabel too).
  if (scl_slope == 0 || !std::isfinite(scl_slope) || !std::isfinite(scl_inter)) return {1.0, 0.0};
  return {double(scl_slope), double(scl_inter)};
}

NiftiHeader parse_nifti_header(const uint8_t* bytes, size_t size, const std::string& path,
                               bool* swapped) {
  SEMISAM_CHECK(size >= kNiftiHeaderBytes, path, ": truncated NIfTI header (", size,
                " bytes, needs 348)");
  int32_t sizeof_hdr = read_i32(bytes, false);
  bool swap = false;
  if (sizeof_hdr != 348) {
    swap = read_i32(bytes, true) == 348;
    SEMISAM_CHECK(swap || (sizeof_hdr != 540 && read_i32(bytes, true) != 540), path,
                  ": NIfTI-2 files are not supported (only NIfTI-1)");
    SEMISAM_CHECK(swap, path, ": not a NIfTI-1 file (sizeof_hdr is ", sizeof_hdr, ", not 348)");
  }
  NiftiHeader h;
  FieldReader reader{bytes, swap};
  visit_fields(h, reader);
  if (swapped) *swapped = swap;
  SEMISAM_CHECK(std::memcmp(h.magic, "ni1", 4) != 0, path,
                ": NIfTI-1 header/image pair (.hdr/.img) is not supported; use a single .nii");
  SEMISAM_CHECK(std::memcmp(h.magic, "n+1", 4) == 0, path,
                ": not a NIfTI-1 file (bad magic string)");
  SEMISAM_CHECK(h.dim[0] >= 1 && h.dim[0] <= 7, path, ": invalid dim[0] = ", h.dim[0],
                " (must be 1..7)");
  for (int i = 1; i <= h.dim[0]; ++i)
    SEMISAM_CHECK(h.dim[size_t(i)] >= 1, path, ": invalid size ", h.dim[size_t(i)], " of axis ",
                  i - 1);
  SEMISAM_CHECK(nifti_datatype_known(h.datatype), path, ": unsupported NIfTI datatype code ",
                h.datatype, " (supported: uint8, int8, int16, uint16, int32, uint32, int64, "
                "uint64, float32, float64)");
  SEMISAM_CHECK(h.vox_offset >= 348 && std::isfinite(h.vox_offset) && h.vox_offset < 1e9f, path,
                ": invalid vox_offset ", h.vox_offset);
  return h;
}

std::array<uint8_t, kNiftiHeaderBytes> serialize_nifti_header(const NiftiHeader& header) {
  std::array<uint8_t, kNiftiHeaderBytes> out{};
  int32_t sizeof_hdr = 348;
  std::memcpy(out.data(), &sizeof_hdr, 4);
  FieldWriter writer{out.data()};
  visit_fields(header, writer);
  return out;
}

NiftiDataType nifti_datatype_for(DType dtype) {
  switch (dtype) {
    case DType::UInt8: return NiftiDataType::UInt8;
    case DType::Int32: return NiftiDataType::Int32;
    case DType::Float32: return NiftiDataType::Float32;
    case DType::Float64: return NiftiDataType::Float64;
    default: break;
  }
  SEMISAM_FAIL("no NIfTI datatype stores a ", dtype_name(dtype),
               " tensor; convert it to float32 first");
}

NiftiHeader nifti_header_new(const Shape& shape, NiftiDataType datatype,
                             const std::array<double, 3>& spacing_mm) {
  NiftiHeader h;
  set_dims(h, shape);
  set_datatype(h, datatype);
  h.pixdim.fill(1.0f);
  for (int i = 0; i < 3; ++i) {
    SEMISAM_CHECK(spacing_mm[size_t(i)] > 0 && std::isfinite(spacing_mm[size_t(i)]),
                  "NIfTI voxel spacing must be positive, got ", spacing_mm[size_t(i)]);
    h.pixdim[size_t(i) + 1] = float(spacing_mm[size_t(i)]);
  }
  h.xyzt_units = 2;  // millimetres
  h.qform_code = 1;
  h.sform_code = 1;
  h.srow_x = {h.pixdim[1], 0, 0, 0};
  h.srow_y = {0, h.pixdim[2], 0, 0};
  h.srow_z = {0, 0, h.pixdim[3], 0};
  std::strncpy(h.descrip, "semisam", sizeof h.descrip - 1);
  return h;
}

NiftiHeader nifti_header_like(const NiftiHeader& source, const Shape& shape,
                              NiftiDataType datatype) {
  Shape src = source.shape();
  for (size_t i = 0; i < 3; ++i) {
    int64_t want = i < src.size() ? src[i] : 1, got = i < shape.size() ? shape[i] : 1;
    SEMISAM_CHECK(want == got, "an image of shape ", shape_str(shape),
                  " cannot take the geometry of a NIfTI image of shape ", shape_str(src),
                  " (x, y, z sizes differ)");
  }
  NiftiHeader h = source;  // orientation, pixdim, units, slice info
  set_dims(h, shape);
  set_datatype(h, datatype);
  for (size_t i = shape.size() + 1; i < 8; ++i) h.pixdim[i] = 1.0f;
  h.vox_offset = 352;
  h.scl_slope = 1;
  h.scl_inter = 0;
  h.cal_min = h.cal_max = 0;
  h.glmin = h.glmax = 0;
  h.intent_code = 0;
  h.intent_p1 = h.intent_p2 = h.intent_p3 = 0;
  std::memset(h.intent_name, 0, sizeof h.intent_name);
  std::memset(h.descrip, 0, sizeof h.descrip);
  std::strncpy(h.descrip, "semisam", sizeof h.descrip - 1);
  std::memcpy(h.magic, "n+1", 4);
  return h;
}

}  // namespace semisam::io

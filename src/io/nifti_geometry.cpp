// NIfTI affines (sform / qform / pixdim), orientation codes, and geometry as HDF5 attributes.
#include "io/nifti_geometry.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "tensor/error.h"

namespace semisam::io {
namespace {

std::vector<double> as_doubles(const float* values, size_t count) {
  return std::vector<double>(values, values + count);
}

}  // namespace

Affine nifti_affine(const NiftiHeader& h) {
  Affine m{};
  m[3][3] = 1.0;
  if (h.sform_code > 0) {
    for (int c = 0; c < 4; ++c) {
      m[0][size_t(c)] = h.srow_x[size_t(c)];
      m[1][size_t(c)] = h.srow_y[size_t(c)];
      m[2][size_t(c)] = h.srow_z[size_t(c)];
    }
    return m;
  }
  if (h.qform_code > 0) {
    // The NIfTI-1 standard's quaternion → rotation, scaled by pixdim (qfac flips k).
    double b = h.quatern_b, c = h.quatern_c, d = h.quatern_d;
    double a2 = 1.0 - (b * b + c * c + d * d), a = 0.0;
    if (a2 < 1e-7) {  // a 180° rotation: renormalise (b, c, d), as nifti1_io does
      double norm = std::sqrt(b * b + c * c + d * d);
      b /= norm;
      c /= norm;
      d /= norm;
    } else {
      a = std::sqrt(a2);
    }
    const double r[3][3] = {
        {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
        {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
        {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
    const double qfac = h.pixdim[0] < 0 ? -1.0 : 1.0;
    const double scale[3] = {h.pixdim[1], h.pixdim[2], qfac * h.pixdim[3]};
    for (size_t i = 0; i < 3; ++i)
      for (size_t j = 0; j < 3; ++j) m[i][j] = r[i][j] * scale[j];
    m[0][3] = h.qoffset_x;
    m[1][3] = h.qoffset_y;
    m[2][3] = h.qoffset_z;
    return m;
  }
  for (size_t i = 0; i < 3; ++i) m[i][i] = h.pixdim[i + 1];
  return m;
}

std::string orientation_codes(const Affine& affine) {
  static const char positive[3] = {'R', 'A', 'S'}, negative[3] = {'L', 'P', 'I'};
  std::string codes;
  for (size_t column = 0; column < 3; ++column) {
    size_t best = 0;
    for (size_t row = 1; row < 3; ++row)
      if (std::fabs(affine[row][column]) > std::fabs(affine[best][column])) best = row;
    codes += affine[best][column] >= 0 ? positive[best] : negative[best];
  }
  return codes;
}

bool same_geometry(const NiftiHeader& a, const NiftiHeader& b, double tolerance) {
  Shape sa = a.shape(), sb = b.shape();
  for (size_t i = 0; i < 3; ++i)
    if ((i < sa.size() ? sa[i] : 1) != (i < sb.size() ? sb[i] : 1)) return false;
  Affine ma = nifti_affine(a), mb = nifti_affine(b);
  double largest = 1.0;
  for (size_t i = 0; i < 3; ++i)
    for (size_t j = 0; j < 4; ++j)
      largest = std::max({largest, std::fabs(ma[i][j]), std::fabs(mb[i][j])});
  for (size_t i = 0; i < 3; ++i)
    for (size_t j = 0; j < 4; ++j)
      if (std::fabs(ma[i][j] - mb[i][j]) > tolerance * largest) return false;
  return true;
}

void write_geometry_attributes(const h5::Group& group, const NiftiHeader& h,
                               const std::string& source) {
  std::array<double, 3> spacing = h.spacing_mm();
  group.set_double_array_attribute("spacing", {spacing[0], spacing[1], spacing[2]});
  Affine m = nifti_affine(h);
  std::vector<double> flat;
  for (const auto& row : m) flat.insert(flat.end(), row.begin(), row.end());
  group.set_double_array_attribute("affine", flat);
  group.set_attribute("orientation", orientation_codes(m));
  group.set_double_array_attribute("nifti_pixdim", as_doubles(h.pixdim.data(), 8));
  group.set_attribute("nifti_xyzt_units", int64_t(h.xyzt_units));
  group.set_attribute("nifti_qform_code", int64_t(h.qform_code));
  group.set_attribute("nifti_sform_code", int64_t(h.sform_code));
  group.set_double_array_attribute("nifti_quatern", {h.quatern_b, h.quatern_c, h.quatern_d,
                                                     h.qoffset_x, h.qoffset_y, h.qoffset_z});
  std::vector<double> srow;
  for (const auto* row : {&h.srow_x, &h.srow_y, &h.srow_z})
    srow.insert(srow.end(), row->begin(), row->end());
  group.set_double_array_attribute("nifti_srow", srow);
  group.set_attribute("source_image", source);
}

std::optional<std::array<double, 3>> read_spacing_attribute(const h5::Group& group) {
  if (!group.has_attribute("spacing")) return std::nullopt;
  std::vector<double> v = group.double_array_attribute("spacing", 3);
  for (double s : v)
    SEMISAM_CHECK(std::isfinite(s) && s > 0, group.where(), ": attribute 'spacing' must hold three "
                  "positive voxel sizes in mm, got ", v[0], ", ", v[1], ", ", v[2]);
  return std::array<double, 3>{v[0], v[1], v[2]};
}

std::optional<NiftiHeader> read_geometry_attributes(const h5::Group& group, const Shape& shape) {
  for (const char* key : {"nifti_pixdim", "nifti_xyzt_units", "nifti_qform_code",
                          "nifti_sform_code", "nifti_quatern", "nifti_srow"})
    if (!group.has_attribute(key)) return std::nullopt;
  SEMISAM_CHECK(shape.size() == 3, group.where(), ": geometry needs a 3-D volume, got ",
                shape_str(shape));
  NiftiHeader h = nifti_header_new(shape, NiftiDataType::Float32);
  std::vector<double> pixdim = group.double_array_attribute("nifti_pixdim", 8);
  for (size_t i = 0; i < 8; ++i) h.pixdim[i] = float(pixdim[i]);
  h.xyzt_units = uint8_t(group.int_attribute("nifti_xyzt_units"));
  h.qform_code = int16_t(group.int_attribute("nifti_qform_code"));
  h.sform_code = int16_t(group.int_attribute("nifti_sform_code"));
  std::vector<double> q = group.double_array_attribute("nifti_quatern", 6);
  h.quatern_b = float(q[0]);
  h.quatern_c = float(q[1]);
  h.quatern_d = float(q[2]);
  h.qoffset_x = float(q[3]);
  h.qoffset_y = float(q[4]);
  h.qoffset_z = float(q[5]);
  std::vector<double> s = group.double_array_attribute("nifti_srow", 12);
  for (size_t c = 0; c < 4; ++c) {
    h.srow_x[c] = float(s[c]);
    h.srow_y[c] = float(s[4 + c]);
    h.srow_z[c] = float(s[8 + c]);
  }
  return h;
}

}  // namespace semisam::io

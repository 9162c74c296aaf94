// NIfTI-1 volume reading (gzip or plain through one zlib gzFile path, byte swapping, scaling,
// x-fastest to C-order transposition) and atomic writing with value-range checks.
#include "io/nifti_io.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "io/atomic_file.h"
#include "tensor/error.h"

namespace semisam::io {
namespace {

class GzFile {
 public:
  GzFile(const std::string& path, const char* mode) : path_(path), file_(gzopen(path.c_str(), mode)) {
    SEMISAM_CHECK(file_ != nullptr, path, ": cannot open (", std::strerror(errno), ")");
    gzbuffer(file_, 1 << 17);
  }
  ~GzFile() {
    if (file_) gzclose(file_);
  }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;

  // Reads exactly n bytes; a short read means a truncated file, a gzip error a corrupt one.
  void read(void* dst, size_t n, const char* what) {
    auto* out = static_cast<uint8_t*>(dst);
    while (n > 0) {
      unsigned chunk = unsigned(std::min<size_t>(n, size_t(1) << 30));
      int got = gzread(file_, out, chunk);
      if (got < 0) {
        int code = 0;
        const char* message = gzerror(file_, &code);
        SEMISAM_FAIL(path_, ": corrupt compressed data while reading the ", what, " (",
                     message ? message : "zlib error", ")");
      }
      SEMISAM_CHECK(got > 0, path_, ": truncated NIfTI file (the ", what, " ends early)");
      out += got;
      n -= size_t(got);
    }
  }
  // Reads to the end so that gzip verifies its CRC and length trailer (bytes after the voxels are
  // allowed and ignored).
  void read_to_end() {
    uint8_t scratch[4096];
    int got;
    while ((got = gzread(file_, scratch, sizeof scratch)) > 0) {
    }
    if (got < 0) {
      int code = 0;
      const char* message = gzerror(file_, &code);
      SEMISAM_FAIL(path_, ": corrupt compressed data (", message ? message : "zlib error", ")");
    }
  }
  void write(const void* src, size_t n) {
    const auto* in = static_cast<const uint8_t*>(src);
    while (n > 0) {
      unsigned chunk = unsigned(std::min<size_t>(n, size_t(1) << 30));
      int put = gzwrite(file_, in, chunk);
      SEMISAM_CHECK(put > 0, path_, ": write failed");
      in += put;
      n -= size_t(put);
    }
  }
  void close() {
    gzFile f = file_;
    file_ = nullptr;
    SEMISAM_CHECK(gzclose(f) == Z_OK, path_, ": write failed on close");
  }

 private:
  std::string path_;
  gzFile file_;
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Strides (in elements) of the file layout (x fastest) for each tensor axis.
std::vector<int64_t> file_strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size());
  int64_t s = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

// Calls fn(tensor_index, file_index) for every element, tensor index in C order.
template <typename Fn>
void for_each_voxel(const Shape& shape, const std::vector<int64_t>& tensor_strides,
                    int64_t tensor_offset, Fn&& fn) {
  int64_t numel = shape_numel(shape);
  if (numel == 0) return;
  std::vector<int64_t> fstride = file_strides(shape), index(shape.size(), 0);
  int64_t t = tensor_offset, f = 0;
  for (int64_t n = 0; n < numel; ++n) {
    fn(t, f);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d]) {
        t += tensor_strides[d];
        f += fstride[d];
        break;
      }
      t -= (shape[d] - 1) * tensor_strides[d];
      f -= (shape[d] - 1) * fstride[d];
      index[d] = 0;
    }
  }
}

std::string voxel_str(int64_t file_index, const Shape& shape) {
  std::string out = "(";
  for (size_t d = 0; d < shape.size(); ++d) {
    out += (d ? ", " : "") + std::to_string(file_index % shape[d]);
    file_index /= shape[d];
  }
  return out + ")";
}

template <typename Src>
double load_value(const uint8_t* raw, int64_t file_index, bool swap) {
  uint8_t bytes[sizeof(Src)];
  std::memcpy(bytes, raw + size_t(file_index) * sizeof(Src), sizeof(Src));
  if (swap) std::reverse(bytes, bytes + sizeof(Src));
  Src v;
  std::memcpy(&v, bytes, sizeof(Src));
  return double(v);
}

template <typename Src>
void convert_read(const uint8_t* raw, bool swap, const NiftiHeader& h, NiftiVoxels as,
                  const Tensor& out, const std::string& path) {
  // Plain copies, not a structured binding: C++17 does not let a lambda capture a binding
  // (g++ accepts it as an extension, clang 14 rejects it).
  const auto scaling = h.scaling();
  const double slope = scaling.first, inter = scaling.second;
  const bool scaled = !(slope == 1.0 && inter == 0.0);
  const Shape& shape = out.shape();
  if (as == NiftiVoxels::Float32) {
    float* dst = out.data<float>();
    for_each_voxel(shape, out.strides(), 0, [&](int64_t t, int64_t f) {
      double v = load_value<Src>(raw, f, swap);
      dst[t] = float(scaled ? v * slope + inter : v);
    });
    return;
  }
  uint8_t* dst = out.data<uint8_t>();
  for_each_voxel(shape, out.strides(), 0, [&](int64_t t, int64_t f) {
    double v = load_value<Src>(raw, f, swap);
    if (scaled) v = v * slope + inter;
    SEMISAM_CHECK(v >= 0 && v <= 255 && v == std::floor(v), path, ": voxel ",
                  voxel_str(f, shape), " has value ", v,
                  ", which is not a label (an integer in 0..255)");
    dst[t] = uint8_t(v);
  });
}

template <typename Dst>
void convert_write(const Tensor& volume, uint8_t* raw, const char* type_name,
                   const std::string& path) {
  dispatch_dtype(volume.dtype(), [&](auto tag) {
    using Src = decltype(tag);
    const Src* src = static_cast<const Src*>(volume.storage()->data());
    for_each_voxel(volume.shape(), volume.strides(), volume.offset(), [&](int64_t t, int64_t f) {
      double v = double(static_cast<compute_t<Src>>(src[t]));
      if constexpr (std::is_integral_v<Dst>) {
        SEMISAM_CHECK(std::isfinite(v) && v == std::floor(v) &&
                          v >= double(std::numeric_limits<Dst>::min()) &&
                          v <= double(std::numeric_limits<Dst>::max()),
                      path, ": voxel ", voxel_str(f, volume.shape()), " value ", v,
                      " cannot be stored as ", type_name);
      }
      Dst d = static_cast<Dst>(v);
      std::memcpy(raw + size_t(f) * sizeof(Dst), &d, sizeof(Dst));
    });
    return 0;
  });
}

}  // namespace

NiftiHeader read_nifti_header(const std::string& path) {
  GzFile file(path, "rb");
  uint8_t bytes[kNiftiHeaderBytes];
  file.read(bytes, sizeof bytes, "header");
  return parse_nifti_header(bytes, sizeof bytes, path, nullptr);
}

NiftiImage read_nifti(const std::string& path, NiftiVoxels as) {
  GzFile file(path, "rb");
  uint8_t bytes[kNiftiHeaderBytes];
  file.read(bytes, sizeof bytes, "header");
  bool swap = false;
  NiftiImage image;
  image.header = parse_nifti_header(bytes, sizeof bytes, path, &swap);
  const NiftiHeader& h = image.header;
  // Extensions between the header and the voxels are skipped, piece by piece: vox_offset comes
  // from the header, and a damaged one must not size an allocation (a 100-byte .nii.gz claiming
  // a 1 GB extension was given 1 GB of zeros before the read failed).
  std::vector<uint8_t> skipped(std::min<size_t>(size_t(h.vox_offset) - kNiftiHeaderBytes, 1 << 16));
  for (size_t left = size_t(h.vox_offset) - kNiftiHeaderBytes; left > 0;) {
    const size_t piece = std::min(left, skipped.size());
    file.read(skipped.data(), piece, "header extension");
    left -= piece;
  }
  Shape shape = h.shape();
  int64_t numel = 1;
  for (int64_t n : shape) {
    SEMISAM_CHECK(numel <= (int64_t(1) << 40) / n, path, ": image of shape ", shape_str(shape),
                  " is too large");
    numel *= n;
  }
  const size_t width = size_t(nifti_datatype_bytes(NiftiDataType(h.datatype)));
  // Grown as data arrives, doubling from 1 MiB, so a header that claims a huge image cannot make
  // us allocate more than about twice what the file really holds (in steps of 64 MiB, each short
  // file of a damaged header was given 64 MiB of zeros first).
  const size_t total = size_t(numel) * width;
  std::vector<uint8_t> raw;
  for (size_t done = 0; done < total;) {
    size_t chunk = std::min(std::max(done, size_t(1) << 20), total - done);
    raw.resize(done + chunk);
    file.read(raw.data() + done, chunk, "voxel data");
    done += chunk;
  }
  file.read_to_end();
  image.voxels = Tensor::empty(shape, as == NiftiVoxels::UInt8 ? DType::UInt8 : DType::Float32);
  const uint8_t* r = raw.data();
  switch (NiftiDataType(h.datatype)) {
    case NiftiDataType::UInt8: convert_read<uint8_t>(r, swap, h, as, image.voxels, path); break;
    case NiftiDataType::Int8: convert_read<int8_t>(r, swap, h, as, image.voxels, path); break;
    case NiftiDataType::Int16: convert_read<int16_t>(r, swap, h, as, image.voxels, path); break;
    case NiftiDataType::UInt16: convert_read<uint16_t>(r, swap, h, as, image.voxels, path); break;
    case NiftiDataType::Int32: convert_read<int32_t>(r, swap, h, as, image.voxels, path); break;
    case NiftiDataType::UInt32: convert_read<uint32_t>(r, swap, h, as, image.voxels, path); break;
    case NiftiDataType::Int64: convert_read<int64_t>(r, swap, h, as, image.voxels, path); break;
    case NiftiDataType::UInt64: convert_read<uint64_t>(r, swap, h, as, image.voxels, path); break;
    case NiftiDataType::Float32: convert_read<float>(r, swap, h, as, image.voxels, path); break;
    case NiftiDataType::Float64: convert_read<double>(r, swap, h, as, image.voxels, path); break;
  }
  return image;
}

void write_nifti(const std::string& path, const Tensor& volume, const NiftiHeader& header) {
  SEMISAM_CHECK(volume.defined() && volume.device().is_cpu(), path,
                ": write_nifti needs a defined CPU tensor, got ",
                volume.defined() ? volume.str() : "an undefined tensor");
  Shape shape = volume.shape();
  while (shape.size() > 3 && shape.back() == 1) shape.pop_back();
  SEMISAM_CHECK(header.shape() == shape, path, ": header dims ", shape_str(header.shape()),
                " do not match the volume's shape ", shape_str(volume.shape()));
  // Trailing size-1 axes carry no data; drop them from the view.
  std::vector<int64_t> strides(volume.strides().begin(),
                               volume.strides().begin() + long(shape.size()));
  Tensor view = volume.as_strided(shape, strides, volume.offset());
  const auto type = NiftiDataType(header.datatype);
  const size_t width = size_t(nifti_datatype_bytes(type));
  NiftiHeader h = header;
  h.vox_offset = 352;
  h.bitpix = int16_t(8 * width);
  std::vector<uint8_t> raw(size_t(view.numel()) * width);
  switch (type) {
    case NiftiDataType::UInt8: convert_write<uint8_t>(view, raw.data(), nifti_datatype_name(type), path); break;
    case NiftiDataType::Int16: convert_write<int16_t>(view, raw.data(), nifti_datatype_name(type), path); break;
    case NiftiDataType::Int32: convert_write<int32_t>(view, raw.data(), nifti_datatype_name(type), path); break;
    case NiftiDataType::Float32: convert_write<float>(view, raw.data(), nifti_datatype_name(type), path); break;
    case NiftiDataType::Float64: convert_write<double>(view, raw.data(), nifti_datatype_name(type), path); break;
    default:
      SEMISAM_FAIL(path, ": writing NIfTI datatype ", nifti_datatype_name(type),
                   " is not supported (uint8, int16, int32, float32, float64 are)");
  }
  auto head = serialize_nifti_header(h);
  const bool gz = ends_with(path, ".gz");
  write_atomically(path, [&](const std::string& temporary) {
    GzFile file(temporary, gz ? "wb6" : "wbT");
    file.write(head.data(), head.size());
    const uint8_t no_extension[4] = {0, 0, 0, 0};
    file.write(no_extension, sizeof no_extension);
    file.write(raw.data(), raw.size());
    file.close();
  });
}

void write_nifti_with_spacing(const std::string& path, const Tensor& volume,
                              const std::array<double, 3>& spacing_mm) {
  write_nifti(path, volume,
              nifti_header_new(volume.shape(), nifti_datatype_for(volume.dtype()), spacing_mm));
}

void write_nifti_like(const std::string& path, const Tensor& volume, const NiftiHeader& source) {
  write_nifti(path, volume,
              nifti_header_like(source, volume.shape(), nifti_datatype_for(volume.dtype())));
}

}  // namespace semisam::io

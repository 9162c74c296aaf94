// SPEC §3 steps 2–4: class prototypes, prototype pseudo-labels pasted back into the original
// volume shape, and the foreground share logged after round 0.
#include "ssl/pseudo_labels/prototypes.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "kernels/copy.h"
#include "kernels/prototype_similarity.h"
#include "kernels/shape_ops.h"
#include "ssl/pseudo_labels/nearest_resize.h"

namespace semisam::ssl {
namespace {

constexpr double kNormEps = 1e-12;  // F.normalize's eps
constexpr double kMaskEps = 1e-8;   // the reference's guard in Σ F·mask / (Σ mask + 1e-8)

// x / max(‖x‖, 1e-12), in place.
void normalize(std::vector<double>& x) {
  double norm = 0;
  for (double v : x) norm += v * v;
  const double inv = 1.0 / std::max(std::sqrt(norm), kNormEps);
  for (double& v : x) v *= inv;
}

// `what` names the argument in errors, e.g. "compute_prototypes: features[2]". Float32 and
// contiguous, on the device given.
Tensor checked_features(const Tensor& features, const std::string& what, Device device) {
  SEMISAM_CHECK(features.defined() && features.dim() == 4 && features.numel() > 0, what,
                " must be a non-empty [D, g, g, g] tensor, got ",
                features.defined() ? features.str() : std::string("an undefined tensor"));
  SEMISAM_CHECK(is_floating(features.dtype()), what, " must be floating point, got ",
                features.str());
  return ops::contiguous(ops::cast(ops::to_device(features, device), DType::Float32));
}

Tensor cpu_features(const Tensor& features, const std::string& what) {
  return checked_features(features, what, Device::cpu());
}

// One labelled case's class labels on its feature grid (uint8 [g, g, g], CPU): the label padded
// and centre-cropped as its image was, nearest-resized to the grid. Resizing the label and then
// comparing with c is the same gather as resizing (label == c).
Tensor label_grid(const Tensor& label, const Tensor& features, int64_t crop_size) {
  return nearest_resize(pad_and_crop(label, centre_crop(label.shape(), crop_size)),
                        {features.size(1), features.size(2), features.size(3)});
}

// The running sums of SPEC §3 step 2: per class, the sum of the cases' unit prototypes and the
// number of cases that have one.
struct PrototypeSums {
  std::vector<std::vector<double>> sum_of_unit;
  std::vector<int64_t> cases_with;
  PrototypeSums(size_t classes, size_t dim)
      : sum_of_unit(classes, std::vector<double>(dim, 0.0)), cases_with(classes, 0) {}
};

// Adds one case: per class with cells, normalize(Σ F·mask / (Σ mask + 1e-8)). masked_sum is
// [C, D] row-major, mask_count [C].
void add_case(const double* masked_sum, const int64_t* mask_count, PrototypeSums& sums) {
  const size_t classes = sums.cases_with.size(), d_count = sums.sum_of_unit[0].size();
  for (size_t c = 0; c < classes; ++c) {
    if (mask_count[c] == 0) continue;
    std::vector<double> p(masked_sum + c * d_count, masked_sum + (c + 1) * d_count);
    for (double& x : p) x /= double(mask_count[c]) + kMaskEps;
    normalize(p);
    for (size_t d = 0; d < d_count; ++d) sums.sum_of_unit[c][d] += p[d];
    ++sums.cases_with[c];
  }
}

// Several labelled cases: the mean of their unit prototypes, normalised again.
Prototypes finish(const PrototypeSums& sums, int64_t num_classes, int64_t dim) {
  const size_t classes = size_t(num_classes), d_count = size_t(dim);
  Prototypes out;
  out.num_classes = num_classes;
  out.vectors = Tensor::zeros({num_classes, dim}, DType::Float32);
  out.present.assign(classes, false);
  float* vec = out.vectors.data<float>();
  for (size_t c = 0; c < classes; ++c) {
    if (sums.cases_with[c] == 0) continue;
    std::vector<double> mean = sums.sum_of_unit[c];
    for (double& x : mean) x /= double(sums.cases_with[c]);
    normalize(mean);
    for (size_t d = 0; d < d_count; ++d) vec[c * d_count + d] = float(mean[d]);
    out.present[c] = true;
  }
  return out;
}

void check_cases(const std::vector<Tensor>& spatial_features, const std::vector<Tensor>& labels,
                 int64_t num_classes) {
  SEMISAM_CHECK(!spatial_features.empty() && spatial_features.size() == labels.size(),
                "compute_prototypes: need one label per feature map and at least one case, got ",
                spatial_features.size(), " feature maps and ", labels.size(), " labels");
  SEMISAM_CHECK(num_classes >= 1 && num_classes <= 256,
                "compute_prototypes: num_classes must be in [1, 256], got ", num_classes);
}

void check_channels(const Tensor& f, int64_t dim, size_t i) {
  SEMISAM_CHECK(f.size(0) == dim, "compute_prototypes: features[", i, "] has ", f.size(0),
                " channels, features[0] has ", dim);
}

// The label as a contiguous CPU uint8 volume whose values are all below num_classes.
Tensor checked_label(const Tensor& label, int64_t num_classes, size_t index) {
  SEMISAM_CHECK(label.defined() && label.dim() == 3 && label.dtype() == DType::UInt8,
                "compute_prototypes: labels[", index, "] must be uint8 [X, Y, Z], got ",
                label.defined() ? label.str() : std::string("an undefined tensor"));
  Tensor cpu = ops::contiguous(ops::to_device(label, Device::cpu()));
  const uint8_t* p = cpu.data<uint8_t>();
  const uint8_t top = cpu.numel() ? *std::max_element(p, p + cpu.numel()) : 0;
  SEMISAM_CHECK(top < num_classes, "compute_prototypes: labels[", index, "] holds class ", int(top),
                " but num_classes is ", num_classes);
  return cpu;
}

// `prototypes` fits features of `dim` channels.
void check_prototypes(const Prototypes& prototypes, int64_t dim) {
  const int64_t classes = prototypes.num_classes;
  SEMISAM_CHECK(classes >= 1 && classes <= 256 && prototypes.vectors.defined() &&
                    prototypes.vectors.shape() == (Shape{classes, dim}) &&
                    prototypes.vectors.dtype() == DType::Float32 &&
                    prototypes.vectors.device().is_cpu() &&
                    int64_t(prototypes.present.size()) == classes,
                "prototype_pseudo_label: prototypes must be float32 [num_classes, ", dim,
                "] on the CPU with one present flag per class, num_classes in [1, 256]; got ",
                "num_classes ", classes, ", vectors ",
                prototypes.vectors.defined() ? prototypes.vectors.str() : std::string("undefined"),
                ", ", prototypes.present.size(), " flags");
}

}  // namespace

Prototypes compute_prototypes(const std::vector<Tensor>& spatial_features,
                              const std::vector<Tensor>& labels, int64_t num_classes,
                              int64_t crop_size) {
  check_cases(spatial_features, labels, num_classes);
  // The masked sums run where the features are (ops::prototype_masked_sums); the grids and the
  // [C, D] results are small and stay on the host.
  const Device device =
      spatial_features[0].defined() ? spatial_features[0].device() : Device::cpu();
  int64_t dim = 0;
  std::unique_ptr<PrototypeSums> sums;
  for (size_t i = 0; i < labels.size(); ++i) {
    const Tensor f = checked_features(
        spatial_features[i], "compute_prototypes: features[" + std::to_string(i) + "]", device);
    if (i == 0) {
      dim = f.size(0);
      sums = std::make_unique<PrototypeSums>(size_t(num_classes), size_t(dim));
    }
    check_channels(f, dim, i);
    const Tensor grid = label_grid(checked_label(labels[i], num_classes, i), f, crop_size);
    const ops::MaskedFeatureSums masked =
        ops::prototype_masked_sums(f, ops::to_device(grid, device), num_classes);
    const Tensor masked_sum = ops::to_device(masked.sums, Device::cpu());
    const Tensor mask_count = ops::to_device(masked.counts, Device::cpu());
    add_case(masked_sum.data<double>(), mask_count.data<int64_t>(), *sums);
  }
  return finish(*sums, num_classes, dim);
}

Prototypes compute_prototypes_reference(const std::vector<Tensor>& spatial_features,
                                        const std::vector<Tensor>& labels, int64_t num_classes,
                                        int64_t crop_size) {
  check_cases(spatial_features, labels, num_classes);
  std::vector<Tensor> features;
  for (size_t i = 0; i < spatial_features.size(); ++i)
    features.push_back(cpu_features(spatial_features[i],
                                    "compute_prototypes: features[" + std::to_string(i) + "]"));
  const int64_t dim = features[0].size(0);
  const size_t d_count = size_t(dim), classes = size_t(num_classes);
  PrototypeSums sums(classes, d_count);
  for (size_t i = 0; i < labels.size(); ++i) {
    const Tensor& f = features[i];
    check_channels(f, dim, i);
    const Tensor grid = label_grid(checked_label(labels[i], num_classes, i), f, crop_size);
    const uint8_t* cell_class = grid.data<uint8_t>();
    const float* fv = f.data<float>();
    const int64_t cells = grid.numel();
    std::vector<double> masked_sum(classes * d_count, 0.0);
    std::vector<int64_t> mask_count(classes, 0);
    for (int64_t v = 0; v < cells; ++v) {
      const size_t c = cell_class[v];
      ++mask_count[c];
      for (size_t d = 0; d < d_count; ++d)
        masked_sum[c * d_count + d] += fv[int64_t(d) * cells + v];
    }
    add_case(masked_sum.data(), mask_count.data(), sums);
  }
  return finish(sums, num_classes, dim);
}

Tensor prototype_pseudo_label(const Tensor& spatial_features, const Prototypes& prototypes,
                              const Shape& volume_shape, int64_t crop_size) {
  // Fused on the features' device (ops::prototype_labels): scores and argmax per cell, then one
  // gather that resizes them to the crop and pastes the crop back into the volume.
  const Device device = spatial_features.defined() ? spatial_features.device() : Device::cpu();
  const Tensor f =
      checked_features(spatial_features, "prototype_pseudo_label: spatial_features", device);
  check_prototypes(prototypes, f.size(0));
  std::vector<uint8_t> present(prototypes.present.begin(), prototypes.present.end());
  const Tensor present_flags =
      ops::to_device(Tensor::from_vector(present, {prototypes.num_classes}), device);
  // Crop voxel i of an axis came from original index start − pad_before + i (see paste_back).
  const CentreCrop c = centre_crop(volume_shape, crop_size);
  ops::LabelPlacement placement;
  for (size_t a = 0; a < 3; ++a) {
    placement.crop[a] = crop_size;
    placement.volume[a] = volume_shape[a];
    placement.offset[a] = c.start[a] - c.pad_before[a];
  }
  const Tensor labels = ops::prototype_labels(
      f, ops::contiguous(ops::to_device(prototypes.vectors, device)), present_flags, placement);
  return ops::to_device(labels, Device::cpu());
}

Tensor prototype_pseudo_label_reference(const Tensor& spatial_features,
                                        const Prototypes& prototypes, const Shape& volume_shape,
                                        int64_t crop_size) {
  const Tensor f = cpu_features(spatial_features, "prototype_pseudo_label: spatial_features");
  const int64_t dim = f.size(0), classes = prototypes.num_classes;
  check_prototypes(prototypes, dim);
  const Tensor protos = ops::contiguous(prototypes.vectors);
  const float* pv = protos.data<float>();
  const float* fv = f.data<float>();
  const int64_t cells = f.numel() / dim;

  Tensor grid = Tensor::empty({f.size(1), f.size(2), f.size(3)}, DType::UInt8);
  uint8_t* cell_class = grid.data<uint8_t>();
  std::vector<double> fn(size_t(dim), 0.0);
  for (int64_t v = 0; v < cells; ++v) {
    for (int64_t d = 0; d < dim; ++d) fn[size_t(d)] = fv[d * cells + v];
    normalize(fn);
    // Classes without a prototype score 0 rather than being left out (reference quirk): a class
    // whose similarity is negative everywhere loses to them. Scores are rounded to float32 as
    // in the reference's score map, so exact float ties resolve alike: the first maximum wins.
    int64_t best = -1;
    float best_score = 0.0f;
    for (int64_t c = 0; c < classes; ++c) {
      float score = 0.0f;
      if (prototypes.present[size_t(c)]) {
        double dot = 0;
        for (int64_t d = 0; d < dim; ++d) dot += fn[size_t(d)] * double(pv[c * dim + d]);
        score = float(dot);
      }
      if (best < 0 || score > best_score) {
        best = c;
        best_score = score;
      }
    }
    cell_class[v] = uint8_t(best);
  }
  // The argmax of the nearest-resized scores is the nearest-resized argmax: resize the labels.
  return paste_back(nearest_resize(grid, {crop_size, crop_size, crop_size}), volume_shape,
                    crop_size);
}

Tensor paste_back(const Tensor& crop, const Shape& volume_shape, int64_t crop_size) {
  SEMISAM_CHECK(crop.defined() && crop.shape() == (Shape{crop_size, crop_size, crop_size}),
                "paste_back: crop must be [", crop_size, ", ", crop_size, ", ", crop_size,
                "], got ", crop.defined() ? crop.str() : std::string("an undefined tensor"));
  const CentreCrop c = centre_crop(volume_shape, crop_size);
  // Crop voxel i on an axis came from original index start − pad_before + i: padding by the
  // inverse amounts (negative ones crop) puts every voxel back and drops the padded ones.
  std::vector<std::pair<int64_t, int64_t>> pads(3);
  for (size_t a = 0; a < 3; ++a) {
    const int64_t origin = c.start[a] - c.pad_before[a];
    pads[a] = {origin, volume_shape[a] - origin - crop_size};
  }
  return ops::pad(crop, pads, 0.0);
}

double foreground_fraction(const std::vector<Tensor>& labels) {
  // SPEC §3 step 4 logs the mean over cases of each case's foreground share.
  if (labels.empty()) return 0.0;
  double total = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    SEMISAM_CHECK(labels[i].defined() && labels[i].numel() > 0, "foreground_fraction: labels[", i,
                  "] is empty or undefined");
    const Tensor cpu = ops::contiguous(ops::to_device(labels[i], Device::cpu()));
    int64_t foreground = 0;
    dispatch_dtype(cpu.dtype(), [&](auto tag) {
      using T = decltype(tag);
      using C = compute_t<T>;
      const T* p = cpu.data<T>();
      for (int64_t v = 0; v < cpu.numel(); ++v) foreground += C(p[v]) > C(0) ? 1 : 0;
    });
    total += double(foreground) / double(cpu.numel());
  }
  return total / double(labels.size());
}

}  // namespace semisam::ssl

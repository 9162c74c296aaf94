// Entry points of the fused prototype steps: checks, then the backend (per-cell classes into a
// grid-sized buffer, then one gather that resizes them to the crop and places it in the volume).
#include "kernels/prototype_similarity.h"

#include "kernels/dispatch.h"

namespace semisam::ops {
namespace {

void check_features(const char* op, const Tensor& f) {
  SEMISAM_CHECK(f.defined() && f.dim() == 4 && f.dtype() == DType::Float32 && f.is_contiguous() &&
                    f.numel() > 0,
                op, ": features must be a non-empty contiguous float32 [D, g, g, g], got ",
                f.defined() ? f.str() : std::string("an undefined tensor"));
}

}  // namespace

Tensor prototype_labels(const Tensor& features, const Tensor& prototypes, const Tensor& present,
                        const LabelPlacement& placement) {
  const char* op = "prototype_labels";
  check_features(op, features);
  check_same_device(op, features, prototypes);
  check_same_device(op, features, present);
  const int64_t dim = features.size(0);
  SEMISAM_CHECK(prototypes.dim() == 2 && prototypes.size(1) == dim && prototypes.size(0) >= 1 &&
                    prototypes.size(0) <= 256 && prototypes.dtype() == DType::Float32 &&
                    prototypes.is_contiguous(),
                op, ": prototypes must be contiguous float32 [C, ", dim, "], C in [1, 256], got ",
                prototypes.str());
  SEMISAM_CHECK(present.dim() == 1 && present.size(0) == prototypes.size(0) &&
                    present.dtype() == DType::UInt8 && present.is_contiguous(),
                op, ": present must be uint8 [", prototypes.size(0), "], got ", present.str());
  for (int64_t a = 0; a < 3; ++a)
    SEMISAM_CHECK(placement.crop[a] >= 1 && placement.volume[a] >= 1, op, ": crop [",
                  placement.crop[0], ", ", placement.crop[1], ", ", placement.crop[2],
                  "] and volume [", placement.volume[0], ", ", placement.volume[1], ", ",
                  placement.volume[2], "] must have no empty axis");
  const Device device = features.device();
  Tensor cells =
      Tensor::empty({features.size(1), features.size(2), features.size(3)}, DType::UInt8, device);
  const std::array<int64_t, 3>& v = placement.volume;
  Tensor result = Tensor::empty({v[0], v[1], v[2]}, DType::UInt8, device);
  by_device(
      op, device,
      [&] {
        cpu::prototype_cell_classes(features, prototypes, present, cells);
        cpu::place_cells(cells, placement, result);
      },
      [&] {
        cuda::prototype_cell_classes(features, prototypes, present, cells);
        cuda::place_cells(cells, placement, result);
      });
  return result;
}

MaskedFeatureSums prototype_masked_sums(const Tensor& features, const Tensor& cell_class,
                                        int64_t num_classes) {
  const char* op = "prototype_masked_sums";
  check_features(op, features);
  check_same_device(op, features, cell_class);
  SEMISAM_CHECK(cell_class.dim() == 3 && cell_class.dtype() == DType::UInt8 &&
                    cell_class.is_contiguous() && cell_class.size(0) == features.size(1) &&
                    cell_class.size(1) == features.size(2) &&
                    cell_class.size(2) == features.size(3),
                op, ": cell classes must be contiguous uint8 on the feature grid of ",
                features.str(), ", got ", cell_class.str());
  SEMISAM_CHECK(num_classes >= 1 && num_classes <= 256, op,
                ": num_classes must be in [1, 256], got ", num_classes);
  MaskedFeatureSums out;
  out.sums = Tensor::empty({num_classes, features.size(0)}, DType::Float64, features.device());
  out.counts = Tensor::empty({num_classes}, DType::Int64, features.device());
  by_device(
      op, features.device(), [&] { cpu::prototype_masked_sums(features, cell_class, out); },
      [&] { cuda::prototype_masked_sums(features, cell_class, out); });
  return out;
}

}  // namespace semisam::ops

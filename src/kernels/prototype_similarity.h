// SPEC §3 steps 2–3, fused: the prototype pseudo-label of a case's feature grid (per-cell channel
// normalisation, dot products with the class prototypes, the absent-class-scores-0 rule, argmax,
// and the nearest resize to the crop folded in), and the masked feature sums the prototypes are
// built from.
//
// The resize is folded in exactly: nearest resizing only repeats cells, so the argmax of the
// resized scores is the resized argmax; each output voxel reads its cell's class. The per-cell
// arithmetic is ssl::prototype_pseudo_label_reference's, in double, the score rounded to float32
// before the argmax, so labels match it exactly.
#pragma once

#include <array>
#include <cstdint>

#include "tensor/tensor.h"

namespace semisam::ops {

// Where the resized labels go: a crop of `crop` voxels whose first voxel sits at `offset` of a
// volume of `volume` voxels (offsets may be negative and the crop may overhang: voxels outside the
// volume are dropped, volume voxels outside the crop are 0). offset 0 and volume == crop give the
// plain resize.
struct LabelPlacement {
  std::array<int64_t, 3> crop{}, volume{}, offset{};
};

// features: float32 [D, gx, gy, gz] contiguous; prototypes: float32 [C, D] contiguous, unit rows;
// present: uint8 [C] (1 where the class has a prototype); all on one device, C in [1, 256].
// Returns uint8 [placement.volume] on that device: per crop voxel the class of the feature cell
// PyTorch's legacy nearest resize to the crop reads, argmax_c S[c] (first maximum wins) with
// S[c] = float(⟨F / max(‖F‖, 1e-12), prototype_c⟩) for present classes and 0 for absent ones;
// 0 outside the crop. The resize and the paste into the volume are folded into one gather.
Tensor prototype_labels(const Tensor& features, const Tensor& prototypes, const Tensor& present,
                        const LabelPlacement& placement);

struct MaskedFeatureSums {
  Tensor sums;    // float64 [C, D]: Σ over cells of class c of F[d], in cell order
  Tensor counts;  // int64 [C]: cells of class c
};

// features: float32 [D, gx, gy, gz] contiguous; cell_class: uint8 [gx, gy, gz] contiguous with
// values below num_classes (unchecked here: ssl::compute_prototypes checks them); one device.
// The sums run in cell order per (class, channel), as the reference's, so they match it exactly.
MaskedFeatureSums prototype_masked_sums(const Tensor& features, const Tensor& cell_class,
                                        int64_t num_classes);

namespace cpu {
void prototype_cell_classes(const Tensor& features, const Tensor& prototypes, const Tensor& present,
                            const Tensor& cells_out);
void place_cells(const Tensor& cells, const LabelPlacement& placement, const Tensor& out);
void prototype_masked_sums(const Tensor& features, const Tensor& cell_class,
                           const MaskedFeatureSums& out);
}  // namespace cpu
namespace cuda {
void prototype_cell_classes(const Tensor& features, const Tensor& prototypes, const Tensor& present,
                            const Tensor& cells_out);
void place_cells(const Tensor& cells, const LabelPlacement& placement, const Tensor& out);
void prototype_masked_sums(const Tensor& features, const Tensor& cell_class,
                           const MaskedFeatureSums& out);
}  // namespace cuda

}  // namespace semisam::ops

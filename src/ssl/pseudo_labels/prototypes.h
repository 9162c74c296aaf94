// SPEC §3 steps 2–4: class prototypes from the labelled cases' SAM features, prototype
// pseudo-labels for the unlabelled cases, pasted back into a volume of the case's original shape.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ssl/pseudo_labels/features.h"
#include "tensor/tensor.h"

namespace semisam::ssl {

struct Prototypes {
  int64_t num_classes = 0;
  Tensor vectors;            // float32 [num_classes, D] on the CPU, unit rows (zero where absent)
  // Per class: whether the class survives in some labelled case's mask after the resize to the
  // feature grid (legacy nearest subsamples, so a few scattered voxels may leave none).
  std::vector<bool> present;
};

// For each labelled case: the label padded and centre-cropped as its image was (centre_crop of
// its shape, crop size `crop_size`), per class c the mask nearest-resized to the feature grid,
// prototype normalize(Σ F·mask / (Σ mask + 1e-8)) when the mask is non-empty. Several labelled
// cases: average of the normalised prototypes of the cases whose mask is non-empty, normalised
// again. features[i] belongs to labels[i] (uint8 [X, Y, Z], every value below num_classes).
// Sums are taken in double; the vectors are stored as float32. The masked sums run as the fused
// ops::prototype_masked_sums on the features' device (features on one device).
Prototypes compute_prototypes(const std::vector<Tensor>& spatial_features,
                              const std::vector<Tensor>& labels, int64_t num_classes,
                              int64_t crop_size = 128);
// The plain host loops the fused path is judged by (tests, benchmarks); the same prototypes.
Prototypes compute_prototypes_reference(const std::vector<Tensor>& spatial_features,
                                        const std::vector<Tensor>& labels, int64_t num_classes,
                                        int64_t crop_size = 128);

// The pseudo-label of one case: Fn = F normalised per voxel over channels, S[c] = ⟨Fn, proto_c⟩
// for classes with a prototype and 0 otherwise, S nearest-resized to crop_size³, argmax over
// classes (first maximum wins), pasted back into zeros of `volume_shape` (inverse of the crop).
// Returns uint8 [X, Y, Z] on the CPU. The argmax is taken per feature cell and then resized, which
// is the same as resizing the scores first (the resize only repeats cells). Runs as the fused
// ops::prototype_labels on the features' device.
Tensor prototype_pseudo_label(const Tensor& spatial_features, const Prototypes& prototypes,
                              const Shape& volume_shape, int64_t crop_size = 128);
// The plain host loop the fused path is judged by (tests, benchmarks); the same labels.
Tensor prototype_pseudo_label_reference(const Tensor& spatial_features,
                                        const Prototypes& prototypes, const Shape& volume_shape,
                                        int64_t crop_size = 128);

// The inverse of pad_and_crop: `crop` ([size]³) pasted into zeros of `volume_shape` (voxels that
// came from padding are dropped, voxels outside the crop stay 0). Any dtype; any device (the
// result stays on the crop's).
Tensor paste_back(const Tensor& crop, const Shape& volume_shape, int64_t crop_size = 128);

// SPEC §3 step 4's log line: the mean over the given labels of each one's share of voxels with
// label > 0 (cases count alike whatever their size); 0 for an empty list. Any dtype and device.
double foreground_fraction(const std::vector<Tensor>& labels);

}  // namespace semisam::ssl

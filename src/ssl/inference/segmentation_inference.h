// What `test` and `predict` share so that they give the same label maps voxel for voxel: the
// checkpoint's network as a patch predictor, and the sliding-window settings (patch and stride
// default to the checkpoint's patch and SPEC §7's stride 64, checked against each other).
#pragma once

#include <array>
#include <cstdint>

#include "ssl/inference/segmentation_checkpoint.h"
#include "ssl/inference/sliding_window.h"

namespace semisam::ssl {

// Runs the network in evaluation mode without recording gradients; returns the logits.
PatchPredictor patch_predictor(SegmentationModel& model);

// patch {0, 0, 0}: the checkpoint's. Fails when a stride is < 1 or exceeds the patch.
SlidingWindowOptions window_for(const SegmentationModel& model, std::array<int64_t, 3> patch,
                                int64_t stride_xy, int64_t stride_z, Device device);

}  // namespace semisam::ssl

// The network behind the sliding window, and the window settings of test and predict.
#include "ssl/inference/segmentation_inference.h"

#include <memory>

#include "autograd/variable.h"
#include "tensor/error.h"

namespace semisam::ssl {

PatchPredictor patch_predictor(SegmentationModel& model) {
  models::UNet3D* network = model.network.get();
  auto unused_dropout = std::make_shared<Generator>(0);  // evaluation mode: dropout draws nothing
  return [network, unused_dropout](const Tensor& patches) {
    ag::NoGradGuard no_grad;
    return network->forward(ag::Variable(patches), *unused_dropout).seg.value();
  };
}

SlidingWindowOptions window_for(const SegmentationModel& model, std::array<int64_t, 3> patch,
                                int64_t stride_xy, int64_t stride_z, Device device) {
  SEMISAM_CHECK(stride_xy >= 1 && stride_z >= 1, "--stride_xy and --stride_z must be >= 1, got ",
                stride_xy, " and ", stride_z);
  SlidingWindowOptions window;
  window.patch = patch[0] > 0 ? patch : model.patch_size;
  window.stride = {stride_xy, stride_xy, stride_z};
  window.num_classes = model.num_classes;
  window.device = device;
  for (size_t axis = 0; axis < 3; ++axis)
    SEMISAM_CHECK(window.stride[axis] <= window.patch[axis], "--stride_xy ", stride_xy,
                  " / --stride_z ", stride_z, " must not exceed the patch size ",
                  window.patch[axis], " (windows would leave voxels unvisited)");
  return window;
}

}  // namespace semisam::ssl

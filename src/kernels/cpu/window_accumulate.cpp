// CPU twins of the fused sliding-window steps, threaded over rows of voxels with the shared pool.
// Each voxel is written by one chunk and the mean entropy sums fixed chunks in order, so the
// results do not depend on the thread count.
#include "kernels/window_accumulate.h"

#include <vector>

#include "kernels/cpu/softmax_row.h"
#include "kernels/cpu_backend.h"
#include "kernels/window_rules.h"
#include "tensor/parallel.h"

namespace semisam::ops::cpu {

void window_accumulate(const Tensor& score, const Tensor& visits, const Tensor& logits,
                       const Index3& origin) {
  const int64_t classes = logits.size(0);
  const int64_t px = logits.size(1), py = logits.size(2), pz = logits.size(3);
  const int64_t vy = visits.size(1), vz = visits.size(2);
  const int64_t window_voxels = px * py * pz, volume_voxels = visits.numel();
  const float* in = logits.data<float>();
  float* sum = score.data<float>();
  float* count = visits.data<float>();
  // The same softmax as ops::softmax on this backend right now (fast or reference loops).
  const bool fast = cpu_kernels() == CpuKernels::Fast;
  parallel_for(px * py, grain_for(pz * classes * 12), [&](int64_t r0, int64_t r1) {
    std::vector<float> p(static_cast<size_t>(classes));
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t i = r / py, j = r % py;
      const int64_t dst_row = ((origin[0] + i) * vy + origin[1] + j) * vz + origin[2];
      for (int64_t k = 0; k < pz; ++k) {
        const float* x = in + r * pz + k;
        if (fast)
          softmax_row_float(x, window_voxels, classes, p.data(), 1);
        else
          softmax_row_reference<float>(x, window_voxels, classes, false, p.data(), 1);
        const int64_t v = dst_row + k;
        for (int64_t c = 0; c < classes; ++c) sum[c * volume_voxels + v] += p[size_t(c)];
        count[v] += 1.0f;
      }
    }
  });
}

double window_finalize(const Tensor& score, const Tensor& visits,
                       const WindowFinalizeRequest& request, const Tensor& label) {
  const int64_t classes = score.size(0);
  const int64_t vx = visits.size(0), vy = visits.size(1), vz = visits.size(2);
  const int64_t voxels = visits.numel();
  float* sum = score.data<float>();
  const float* count = visits.data<float>();
  uint8_t* out = label.data<uint8_t>();
  const Index3 o = request.crop_origin, n = request.crop_size;
  const double total =
      parallel_sum(vx * vy, grain_for(vz * classes * 24), [&](int64_t r0, int64_t r1) {
        std::vector<float> p(static_cast<size_t>(classes));
        double entropy = 0.0;
        for (int64_t r = r0; r < r1; ++r) {
          const int64_t x = r / vy, y = r % vy;
          const bool row_in_crop = x >= o[0] && x < o[0] + n[0] && y >= o[1] && y < o[1] + n[1];
          uint8_t* out_row = row_in_crop ? out + ((x - o[0]) * n[1] + (y - o[1])) * n[2] : nullptr;
          for (int64_t z = 0; z < vz; ++z) {
            const int64_t v = r * vz + z;
            const int64_t best =
                window_rule::average_and_argmax(sum + v, voxels, classes, count[v], p.data());
            if (out_row && z >= o[2] && z < o[2] + n[2]) out_row[z - o[2]] = uint8_t(best);
            if (request.mean_entropy) entropy += window_rule::voxel_entropy(p.data(), classes);
            if (request.keep_probabilities)
              for (int64_t c = 0; c < classes; ++c) sum[c * voxels + v] = p[size_t(c)];
          }
        }
        return entropy;
      });
  return request.mean_entropy ? total / double(voxels) : 0.0;
}

}  // namespace semisam::ops::cpu

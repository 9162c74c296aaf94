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

namespace {

// The float32 fast softmax of softmax_row_float, a whole z-row of the window at a time, added
// into the sums: the same operations in the same order per voxel, but as loops over the row that
// the compiler vectorises (all but expf), with the row's exponentials and sums in scratch.
void accumulate_row_fast(const float* x, int64_t class_stride, int64_t classes, int64_t n,
                         float* sum, int64_t volume_voxels, float* count, float* mx, float* e,
                         double* total) {
  for (int64_t z = 0; z < n; ++z) mx[z] = -INFINITY;
  for (int64_t c = 0; c < classes; ++c)
    for (int64_t z = 0; z < n; ++z) mx[z] = std::max(mx[z], x[c * class_stride + z]);
  for (int64_t z = 0; z < n; ++z) total[z] = 0;
  for (int64_t c = 0; c < classes; ++c) {
    float* ec = e + c * n;
    for (int64_t z = 0; z < n; ++z) ec[z] = std::exp(x[c * class_stride + z] - mx[z]);
    for (int64_t z = 0; z < n; ++z) total[z] += double(ec[z]);
  }
  for (int64_t c = 0; c < classes; ++c) {
    const float* ec = e + c * n;
    float* sc = sum + c * volume_voxels;
    for (int64_t z = 0; z < n; ++z) sc[z] += float(double(ec[z]) / total[z]);
  }
  for (int64_t z = 0; z < n; ++z) count[z] += 1.0f;
}

}  // namespace

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
    std::vector<float> p(static_cast<size_t>(classes)), mx(static_cast<size_t>(pz)),
        e(static_cast<size_t>(classes * pz));
    std::vector<double> total(static_cast<size_t>(pz));
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t i = r / py, j = r % py;
      const int64_t dst_row = ((origin[0] + i) * vy + origin[1] + j) * vz + origin[2];
      if (fast) {
        accumulate_row_fast(in + r * pz, window_voxels, classes, pz, sum + dst_row, volume_voxels,
                            count + dst_row, mx.data(), e.data(), total.data());
        continue;
      }
      for (int64_t k = 0; k < pz; ++k) {
        softmax_row_reference<float>(in + r * pz + k, window_voxels, classes, false, p.data(), 1);
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

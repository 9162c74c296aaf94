// CPU twins of the fused prototype steps, threaded with the shared pool: cells (and output rows)
// are split by count only and each is written by one chunk; the masked sums split the channels,
// each channel summed over the cells in order. Results do not depend on the thread count.
#include "kernels/prototype_similarity.h"

#include <algorithm>
#include <vector>

#include "kernels/nearest_index.h"
#include "kernels/prototype_rules.h"
#include "tensor/parallel.h"

namespace semisam::ops::cpu {

void prototype_cell_classes(const Tensor& features, const Tensor& prototypes, const Tensor& present,
                            const Tensor& cells_out) {
  const int64_t dim = features.size(0), classes = prototypes.size(0);
  const int64_t cells = cells_out.numel();
  const float* f = features.data<float>();
  const float* p = prototypes.data<float>();
  const uint8_t* has = present.data<uint8_t>();
  uint8_t* out = cells_out.data<uint8_t>();
  parallel_for(cells, grain_for(dim * (classes + 1) * 2), [&](int64_t v0, int64_t v1) {
    for (int64_t v = v0; v < v1; ++v)
      out[v] = uint8_t(prototype_rule::cell_class(f + v, cells, dim, p, has, classes));
  });
}

void place_cells(const Tensor& cells, const LabelPlacement& placement, const Tensor& out) {
  const int64_t g[3] = {cells.size(0), cells.size(1), cells.size(2)};
  const std::array<int64_t, 3>&crop = placement.crop, &offset = placement.offset;
  const int64_t ox = out.size(0), oy = out.size(1), oz = out.size(2);
  // Per axis and volume index: the cell index it reads, or -1 outside the crop.
  std::array<std::vector<int64_t>, 3> source;
  for (size_t a = 0; a < 3; ++a)
    for (int64_t o = 0; o < out.size(int64_t(a)); ++o) {
      const int64_t i = o - offset[a];
      source[a].push_back(i >= 0 && i < crop[a] ? legacy_nearest_index(i, g[a], crop[a]) : -1);
    }
  const uint8_t* in = cells.data<uint8_t>();
  uint8_t* dst = out.data<uint8_t>();
  parallel_for(ox * oy, grain_for(oz), [&](int64_t r0, int64_t r1) {
    const int64_t* sz = source[2].data();
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t sx = source[0][size_t(r / oy)], sy = source[1][size_t(r % oy)];
      uint8_t* o = dst + r * oz;
      if (sx < 0 || sy < 0) {
        std::fill(o, o + oz, uint8_t(0));
        continue;
      }
      const uint8_t* row = in + (sx * g[1] + sy) * g[2];
      for (int64_t z = 0; z < oz; ++z) o[z] = sz[z] < 0 ? uint8_t(0) : row[sz[z]];
    }
  });
}

void prototype_masked_sums(const Tensor& features, const Tensor& cell_class,
                           const MaskedFeatureSums& out) {
  const int64_t dim = features.size(0), classes = out.counts.numel();
  const int64_t cells = cell_class.numel();
  const float* f = features.data<float>();
  const uint8_t* cls = cell_class.data<uint8_t>();
  double* sums = out.sums.data<double>();
  int64_t* counts = out.counts.data<int64_t>();
  std::fill(counts, counts + classes, int64_t(0));
  for (int64_t v = 0; v < cells; ++v) ++counts[cls[v]];
  parallel_for(dim, grain_for(cells * 2), [&](int64_t d0, int64_t d1) {
    for (int64_t d = d0; d < d1; ++d) {
      for (int64_t c = 0; c < classes; ++c) sums[c * dim + d] = 0.0;
      const float* fd = f + d * cells;
      for (int64_t v = 0; v < cells; ++v) sums[cls[v] * dim + d] += fd[v];
    }
  });
}

}  // namespace semisam::ops::cpu

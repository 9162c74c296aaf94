// CPU twin of the fused KNN vote: per-axis source index maps of each neighbour (1-D, the size of
// the output axes), then rows of voxels spread over the shared pool; every voxel is written by
// one chunk, so the result does not depend on the thread count.
#include "kernels/knn_vote.h"

#include <algorithm>
#include <array>

#include "kernels/knn_vote_rule.h"
#include "kernels/nearest_index.h"
#include "tensor/parallel.h"

namespace semisam::ops::cpu {

void knn_vote(const std::vector<Tensor>& labels, const std::vector<double>& weights,
              int64_t num_classes, const Tensor& out) {
  const int64_t k = int64_t(labels.size());
  const int64_t ox = out.size(0), oy = out.size(1), oz = out.size(2);
  // Per neighbour: the row offset its x and y axes are read at, and the z index, for each output
  // index (1-D maps the size of the output axes).
  std::vector<std::vector<int64_t>> row_x(static_cast<size_t>(k)), row_y(row_x), col_z(row_x);
  std::vector<const uint8_t*> source(static_cast<size_t>(k));
  for (size_t j = 0; j < size_t(k); ++j) {
    const Tensor& l = labels[j];
    source[j] = l.data<uint8_t>();
    for (int64_t o = 0; o < ox; ++o)
      row_x[j].push_back(legacy_nearest_index(o, l.size(0), ox) * l.size(1) * l.size(2));
    for (int64_t o = 0; o < oy; ++o)
      row_y[j].push_back(legacy_nearest_index(o, l.size(1), oy) * l.size(2));
    for (int64_t o = 0; o < oz; ++o) col_z[j].push_back(legacy_nearest_index(o, l.size(2), oz));
  }
  uint8_t* dst = out.data<uint8_t>();
  parallel_for(ox * oy, grain_for(oz * k * 4), [&](int64_t r0, int64_t r1) {
    std::vector<const uint8_t*> row(static_cast<size_t>(k));
    if (num_classes <= knn_rule::kDenseClasses) {
      // A z-row at a time: votes[c][z] += w_j per neighbour j in order (the reference's sums),
      // then the first maximum per voxel; plain loops over the row.
      std::vector<double> votes(static_cast<size_t>(num_classes * oz));
      for (int64_t r = r0; r < r1; ++r) {
        const int64_t x = r / oy, y = r % oy;
        std::fill(votes.begin(), votes.end(), 0.0);
        for (size_t j = 0; j < size_t(k); ++j) {
          const uint8_t* src = source[j] + row_x[j][size_t(x)] + row_y[j][size_t(y)];
          const int64_t* zmap = col_z[j].data();
          const double w = weights[j];
          double* v = votes.data();
          for (int64_t z = 0; z < oz; ++z) v[int64_t(src[zmap[z]]) * oz + z] += w;
        }
        uint8_t* o = dst + r * oz;
        for (int64_t z = 0; z < oz; ++z) {
          int64_t best = 0;
          for (int64_t c = 1; c < num_classes; ++c)
            if (votes[size_t(best * oz + z)] < votes[size_t(c * oz + z)]) best = c;
          o[z] = uint8_t(best);
        }
      }
      return;
    }
    std::vector<uint8_t> here(static_cast<size_t>(k));
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t x = r / oy, y = r % oy;
      for (size_t j = 0; j < size_t(k); ++j)
        row[j] = source[j] + row_x[j][size_t(x)] + row_y[j][size_t(y)];
      for (int64_t z = 0; z < oz; ++z) {
        for (size_t j = 0; j < size_t(k); ++j) here[j] = row[j][col_z[j][size_t(z)]];
        dst[r * oz + z] = uint8_t(knn_rule::vote(here.data(), weights.data(), k, num_classes));
      }
    }
  });
}

}  // namespace semisam::ops::cpu

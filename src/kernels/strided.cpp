// Building StridedIndexer from tensor views.
#include "kernels/strided.h"

namespace semisam::ops {

StridedIndexer make_indexer(const Tensor& t, const Shape& shape) {
  Tensor v = t.shape() == shape ? t : t.expand(shape);
  SEMISAM_CHECK(v.dim() <= kMaxDims, "tensors of more than ", kMaxDims, " axes are not supported: ",
                v.str());
  StridedIndexer ix;
  // Merge axis d into the previous one when stride[d-1] == stride[d] * size[d].
  for (int64_t d = 0; d < v.dim(); ++d) {
    int64_t size = v.size(d), stride = v.stride(d);
    if (size == 1) continue;  // contributes nothing to any offset
    if (ix.ndim > 0 && ix.strides[ix.ndim - 1] == stride * size) {
      ix.sizes[ix.ndim - 1] *= size;
      ix.strides[ix.ndim - 1] = stride;
    } else {
      ix.sizes[ix.ndim] = size;
      ix.strides[ix.ndim] = stride;
      ++ix.ndim;
    }
  }
  if (ix.ndim == 0) {  // scalar or all-ones shape
    ix.ndim = 1;
    ix.sizes[0] = 1;
    ix.strides[0] = 0;
  }
  return ix;
}

}  // namespace semisam::ops

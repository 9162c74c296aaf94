// CPU reference of dropout: one Philox draw per decision group, scaling in the kernel's type.
#include <algorithm>

#include "kernels/dropout.h"
#include "kernels/dropout_rule.h"
#include "kernels/norm_common.h"
#include "tensor/philox.h"

#include "tensor/parallel.h"

namespace semisam::ops::cpu {

void dropout(const Tensor& x, double p, uint64_t seed, uint64_t offset, int64_t group_size,
             const Tensor& out) {
  dispatch_floating("dropout", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;  // the kernel's arithmetic, so kept values match the CUDA ones bit for bit
    A scale = A(dropout_rule::scale(p));
    const T* in = x.data<T>();
    T* o = out.data<T>();
    int64_t n = x.numel();
    const int64_t groups = (n + group_size - 1) / group_size;
    parallel_for(
        groups, std::max<int64_t>(1, (int64_t(1) << 15) / group_size), [&](int64_t g0, int64_t g1) {
          // One Philox block serves four consecutive groups (dropout_rule::keeps draws word g % 4
          // of block g / 4), so it is generated once per four.
          uint64_t cached_block = ~uint64_t(0);
          philox::Words words{};
          for (int64_t group = g0; group < g1; ++group) {
            const uint64_t element = offset + uint64_t(group);
            if ((element >> 2) != cached_block) {
              cached_block = element >> 2;
              words = philox::generate(seed, cached_block);
            }
            bool keep = philox::word_to_uniform(words.v[element & 3]) >= float(p);
            for (int64_t i = group * group_size; i < (group + 1) * group_size; ++i)
              o[i] = keep ? T(compute_t<T>(A(compute_t<T>(in[i])) * scale)) : T(compute_t<T>(0));
          }
        });
  });
}

}  // namespace semisam::ops::cpu

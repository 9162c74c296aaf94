// Test helper: whether two semisam checkpoints hold bit-identical tensors (every group, every
// tensor, same names, shapes, dtypes and bytes), so shell tests can check that a stopped and
// resumed run ends where an uninterrupted one does.
// Usage: checkpoint_equal A.h5 B.h5   exit 0 identical, 1 different (the first difference is
// printed), 2 usage or unreadable file.
#include <cstdio>
#include <cstring>
#include <exception>

#include "io/checkpoint.h"
#include "kernels/copy.h"

int main(int argc, char** argv) {
  using namespace semisam;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s A.h5 B.h5\n", argv[0]);
    return 2;
  }
  try {
    const io::Checkpoint a = io::read_checkpoint(argv[1], true);
    const io::Checkpoint b = io::read_checkpoint(argv[2], true);
    if (a.tensors.size() != b.tensors.size()) {
      std::printf("different: %zu and %zu tensor groups\n", a.tensors.size(), b.tensors.size());
      return 1;
    }
    size_t compared = 0;
    for (const auto& [group, list] : a.tensors) {
      const auto other = b.tensors.find(group);
      if (other == b.tensors.end() || other->second.size() != list.size()) {
        std::printf("different: group '%s' missing or of another size\n", group.c_str());
        return 1;
      }
      for (size_t i = 0; i < list.size(); ++i) {
        const Tensor x = ops::to_device(list[i].tensor, Device::cpu());
        const Tensor y = ops::to_device(other->second[i].tensor, Device::cpu());
        const Tensor cx = x.is_contiguous() ? x : ops::clone(x);
        const Tensor cy = y.is_contiguous() ? y : ops::clone(y);
        if (list[i].name != other->second[i].name || cx.shape() != cy.shape() ||
            cx.dtype() != cy.dtype() ||
            std::memcmp(cx.data_ptr(), cy.data_ptr(), cx.nbytes()) != 0) {
          std::printf("different: %s/%s\n", group.c_str(), list[i].name.c_str());
          return 1;
        }
        ++compared;
      }
    }
    std::printf("identical: %zu tensors in %zu groups\n", compared, a.tensors.size());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "checkpoint_equal: %s\n", e.what());
    return 2;
  }
}

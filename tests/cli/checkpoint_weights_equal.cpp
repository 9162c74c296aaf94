// Test tool for tests/cli/fault_injection_test.sh: exit 0 when two checkpoints hold bit-identical
// tensors in every group (weights, teacher, optimiser state, …), 1 naming the first difference,
// 2 when either cannot be read. Attributes such as the command line are not compared: a resumed
// run is typed differently and must still produce the same numbers.
#include <cstdio>
#include <cstring>
#include <exception>

#include "io/checkpoint.h"
#include "io/host_copy.h"

namespace {

using semisam::io::Checkpoint;

// The first difference between the two checkpoints' tensors, or "" when there is none.
std::string first_difference(const Checkpoint& a, const Checkpoint& b) {
  if (a.tensors.size() != b.tensors.size()) return "different groups";
  for (const auto& [group, tensors] : a.tensors) {
    auto other = b.tensors.find(group);
    if (other == b.tensors.end()) return "group " + group + " missing in the second";
    if (tensors.size() != other->second.size()) return "group " + group + ": tensor counts";
    for (size_t i = 0; i < tensors.size(); ++i) {
      const auto& x = tensors[i];
      const auto& y = other->second[i];
      const std::string where = group + "/" + x.name;
      if (x.name != y.name) return where + ": named " + y.name + " in the second";
      if (x.tensor.shape() != y.tensor.shape() || x.tensor.dtype() != y.tensor.dtype())
        return where + ": shape or dtype";
      const semisam::Tensor hx = semisam::io::contiguous_host(x.tensor);
      const semisam::Tensor hy = semisam::io::contiguous_host(y.tensor);
      if (std::memcmp(hx.data_ptr(), hy.data_ptr(), hx.nbytes()) != 0)
        return where + ": values differ";
    }
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s A.h5 B.h5\n", argv[0]);
    return 2;
  }
  try {
    const std::string difference = first_difference(semisam::io::read_checkpoint(argv[1]),
                                                    semisam::io::read_checkpoint(argv[2]));
    if (difference.empty()) return 0;
    std::printf("%s and %s differ: %s\n", argv[1], argv[2], difference.c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
}

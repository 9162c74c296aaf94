// A torch.save archive (zip + pickle + storages) read as `convert` reads one: open it, then
// materialise every tensor found in the root dict and one level below it.
#include <cstddef>
#include <cstdint>

#include "fuzz_input_file.h"
#include "io/pth_archive.h"
#include "tensor/error.h"
#include "tensor/memory.h"

namespace {

void read_tensors_of(const semisam::io::PthArchive& archive,
                     const semisam::io::PickleValuePtr& dict, int depth) {
  using semisam::io::PickleKind;
  if (!dict->is(PickleKind::Dict)) return;
  for (const auto& kv : dict->dict.items()) {
    const auto& value = kv.second;
    if (value->is(PickleKind::Tensor))
      archive.tensor(*value->tensor);
    else if (depth < 2)
      read_tensors_of(archive, value, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = semisam::fuzz::write_input("input.pth", data, size);
  try {
    semisam::io::PthArchive archive(path);
    read_tensors_of(archive, archive.root(), 0);
    if (archive.root()->is(semisam::io::PickleKind::Dict)) archive.shapes({});
  } catch (const semisam::Error&) {
  }
  // The host allocator caches freed blocks of 64 KiB and more; dropped after each input, else
  // LeakSanitizer reports whatever the cache holds when the process exits (its map dies first).
  semisam::release_host_cache();
  return 0;
}

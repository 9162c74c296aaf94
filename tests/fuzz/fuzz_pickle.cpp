// The restricted unpickler on raw bytes: any stream must parse or throw semisam::Error, never
// crash, leak (reference cycles) or run anything. Persistent ids become small fake storages so
// that tensor rebuilding is reached too.
#include <cstddef>
#include <cstdint>

#include "io/pickle_machine.h"
#include "tensor/error.h"

namespace {

semisam::io::PickleValuePtr fake_storage(const semisam::io::PickleValuePtr& pid) {
  using semisam::io::PickleKind;
  using semisam::io::PickleValue;
  auto ref = std::make_shared<semisam::io::StorageRef>();
  ref->key = "0";
  ref->numel = 64;
  if (pid->is(PickleKind::Int)) ref->numel = pid->integer & 0xffff;
  auto v = PickleValue::make(PickleKind::Storage);
  v->storage = ref;
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  semisam::io::PickleOptions options;
  options.allow_opaque_objects = (size % 2) == 0;  // both modes, chosen by the input
  try {
    semisam::io::unpickle(data, size, "fuzz.pkl", fake_storage, options);
  } catch (const semisam::Error&) {
  }
  return 0;
}

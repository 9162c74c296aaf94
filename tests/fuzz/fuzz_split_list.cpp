// The split-list parser (train.txt, val.txt, ...) on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/split_list.h"
#include "tensor/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    semisam::io::parse_split_list(std::string(reinterpret_cast<const char*>(data), size),
                                  "fuzz.txt");
  } catch (const semisam::Error&) {
  }
  return 0;
}

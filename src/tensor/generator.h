// A random stream position (seed, offset): every draw of n numbers takes the next n elements, so a
// run is reproducible from the seed alone and a checkpoint can store (seed, offset) to resume.
#pragma once

#include <cstdint>

namespace semisam {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0, uint64_t offset = 0) : seed_(seed), offset_(offset) {}
  uint64_t seed() const { return seed_; }
  uint64_t offset() const { return offset_; }
  // Returns the offset of the first of `count` elements and advances past them.
  uint64_t reserve(uint64_t count) {
    uint64_t start = offset_;
    offset_ += count;
    return start;
  }
  void set_state(uint64_t seed, uint64_t offset) {
    seed_ = seed;
    offset_ = offset;
  }

 private:
  uint64_t seed_;
  uint64_t offset_;
};

}  // namespace semisam

// After each input an HDF5 harness checks that the reader closed every file, group, dataset,
// datatype and attribute it opened, also when it threw: a forgotten handle keeps the file open
// and its memory reachable from HDF5's tables, which LeakSanitizer cannot see.
#pragma once

#include <hdf5.h>

#include <cstdio>
#include <cstdlib>

namespace semisam::fuzz {

inline void abort_if_hdf5_objects_open() {
  const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (open != 0) {
    std::fprintf(stderr, "semisam fuzz: %zd HDF5 object(s) left open after the input\n", open);
    std::abort();
  }
  // HDF5's free lists keep the blocks of a closed file for reuse, so each input ended with more
  // mallocs than frees and libFuzzer ran a full LeakSanitizer scan after every input (40 % of
  // the time). Emptied after each input, a leak check runs only when memory really stays behind.
  H5garbage_collect();
}

}  // namespace semisam::fuzz

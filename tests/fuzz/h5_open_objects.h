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
}

}  // namespace semisam::fuzz

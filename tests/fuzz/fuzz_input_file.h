// The readers under test take paths, so each fuzz input is written to a file first: one file per
// process and name (libFuzzer runs inputs one after another in a process), under $TMPDIR.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace semisam::fuzz {

// A directory of this process's own under $TMPDIR (or /tmp), made on first use.
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string base = (tmp && *tmp ? tmp : "/tmp");
    std::string templ = base + "/semisam-fuzz-XXXXXX";
    if (!mkdtemp(templ.data())) {
      std::perror("semisam fuzz: mkdtemp");
      std::abort();  // the harness cannot run at all; not a finding
    }
    return templ;
  }();
  return dir;
}

// Writes data[0, size) to <scratch>/<name> and returns the path.
inline std::string write_input(const std::string& name, const uint8_t* data, size_t size) {
  std::string path = scratch_dir() + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror("semisam fuzz: writing the input file");
    std::abort();
  }
  return path;
}

// The harnesses run with libFuzzer's -malloc_limit_mb=1024, and a volume within semisam's
// default bound (2^30 voxels, 4 GiB as float32) would be a legitimate allocation past it. The
// bound is the same code at any value, so the file harnesses lower it to 2^24 voxels (64 MiB as
// float32): an amplification past the bound still fails loudly, a large-but-allowed volume does
// not.
inline void bound_volumes_for_fuzzing() { setenv("SEMISAM_MAX_VOXELS", "16777216", 1); }

}  // namespace semisam::fuzz

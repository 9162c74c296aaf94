// Writing files so that a reader sees either the old contents or the complete new ones, never a
// part: write a temporary file beside the target, sync it, rename it over the target.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace semisam::io {

// "<target>.tmp-<pid>": unique per process, and recognisable as a leftover after a crash.
std::string temporary_path_for(const std::string& target);

// Calls `write(temporary_path)` to produce the file, then flushes it to disk, renames it over
// `target` and syncs the directory. If anything fails the temporary file is removed, `target`
// keeps its previous contents, and the error propagates.
void write_atomically(const std::string& target,
                      const std::function<void(const std::string& temporary_path)>& write);

// Removes the "<name>.tmp-<pid>" files in `directory` (not its subfolders) whose process is gone:
// the leftovers of a run killed while writing. A file whose pid is alive is another process's
// write in progress and is kept (a pid reused by an unrelated process keeps a leftover, never
// loses a live file). Our own pid's files count as leftovers: call this before this process
// writes there. Failures to remove (a read-only folder) are ignored: the write that follows
// reports them. Returns the paths removed.
std::vector<std::string> remove_stale_temporaries(const std::string& directory);

// Creates (or truncates) `path` and writes `size` bytes with POSIX calls, so that a failure carries
// the system's reason (a full disk). Not atomic by itself: the writers above call it on their
// temporary file; HDF5's in-memory files (h5_file.cpp) are written out with it too.
void write_new_file(const std::string& path, const void* bytes, size_t size);

// write_atomically for a text file.
void write_text_atomically(const std::string& target, const std::string& text);

}  // namespace semisam::io

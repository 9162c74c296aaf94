// Leftover "<name>.tmp-<pid>" files of killed writers are removed, live writers' files never:
// a kill during an atomic write used to leave e.g. a 10 MB latest.h5.tmp-<pid> forever.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "common/temp_dir.h"
#include "io/atomic_file.h"

namespace semisam::io {
namespace {

// The pid of a process that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

TEST(StaleTemporaries, RemovesOnlyThoseOfProcessesThatAreGone) {
  test::TempDir dir;
  const std::string dead = dir.file("latest.h5.tmp-" + std::to_string(dead_pid()));
  const std::string ours = dir.file("config.json.tmp-" + std::to_string(getpid()));
  const std::string live = dir.file("round1_best.h5.tmp-1");  // pid 1 never exits
  const std::vector<std::string> kept_names = {"notes.txt", "a.tmp-12x", ".tmp-5", "b.tmp-"};
  for (const std::string& path : {dead, ours, live}) test::write_bytes(path, "partial");
  for (const std::string& name : kept_names) test::write_bytes(dir.file(name), "mine");
  std::filesystem::create_directories(dir.file("sub"));
  const std::string nested = dir.file("sub/x.h5.tmp-" + std::to_string(dead_pid()));
  test::write_bytes(nested, "not this folder");

  std::vector<std::string> removed = remove_stale_temporaries(dir.str());
  std::sort(removed.begin(), removed.end());
  std::vector<std::string> expected = {dead, ours};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(removed, expected);
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_FALSE(std::filesystem::exists(ours));
  EXPECT_TRUE(std::filesystem::exists(live));
  EXPECT_TRUE(std::filesystem::exists(nested));
  for (const std::string& name : kept_names) EXPECT_TRUE(std::filesystem::exists(dir.file(name)));
}

TEST(StaleTemporaries, AMissingFolderIsNotAnError) {
  EXPECT_TRUE(remove_stale_temporaries("/nonexistent/semisam/folder").empty());
}

}  // namespace
}  // namespace semisam::io

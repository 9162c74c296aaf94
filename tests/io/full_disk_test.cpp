// Writing HDF5 onto a full disk: one clear error, the temporary removed, and a process that then
// exits normally. It used to print the right message and crash with status 139 in HDF5's atexit
// handler, which closed again a file whose failed H5Fclose had already freed it.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/temp_dir.h"
#include "io/checkpoint.h"
#include "tensor/tensor.h"

namespace semisam::io {
namespace {

// How many times `needle` occurs in `text`.
size_t count_of(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

// The child's exit statuses, so the parent can say what went wrong.
enum ChildStatus { kOk = 0, kNoError = 10, kWrongMessage = 11, kTemporaryLeft = 12 };

// In a child process: write a checkpoint of 20 small tensors (80 KB, like a network's layers)
// into `folder` (a 12 KiB file system), check the error, then leave with exit() so that HDF5's
// atexit handler runs. (One large tensor fails differently and never crashed.)
[[noreturn]] void write_onto_full_disk(const std::string& folder) {
  Checkpoint checkpoint;
  checkpoint.architecture = "unet_3D";
  for (int t = 0; t < 20; ++t) {
    Tensor weights = Tensor::empty({1000}, DType::Float32);
    for (int64_t i = 0; i < weights.numel(); ++i) weights.data<float>()[i] = float(i + t);
    checkpoint.tensors["params"].push_back({"layer" + std::to_string(t), weights});
  }
  const std::string target = folder + "/latest.h5";
  try {
    write_checkpoint(target, checkpoint);
  } catch (const std::exception& e) {
    const std::string message = e.what();
    std::fprintf(stderr, "%s\n", message.c_str());
    int status = kOk;
    if (count_of(message, "No space left on device") != 1 ||
        message.find(target) == std::string::npos)
      status = kWrongMessage;
    else if (!std::filesystem::is_empty(folder))
      status = kTemporaryLeft;
    std::exit(status);  // runs HDF5's atexit handler: the crash happened there
  }
  std::_Exit(kNoError);
}

TEST(FullDisk, CheckpointWriteFailsCleanlyAndTheProcessExitsNormally) {
  test::TempDir dir;
  const std::string folder = dir.file("full");
  std::filesystem::create_directories(folder);
  if (geteuid() != 0 || mount("tmpfs", folder.c_str(), "tmpfs", 0, "size=12k") != 0)
    GTEST_SKIP() << "cannot mount a 12 KiB tmpfs here (needs root): " << std::strerror(errno);
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child == 0) write_onto_full_disk(folder);
  int status = 0;
  waitpid(child, &status, 0);
  umount(folder.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << "the writer died of signal " << WTERMSIG(status)
                                 << " after its error (HDF5's exit handler)";
  EXPECT_EQ(WEXITSTATUS(status), kOk) << "see ChildStatus";
}

}  // namespace
}  // namespace semisam::io

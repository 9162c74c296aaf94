// Checkpoints in our own HDF5 format: groups of named tensors (PyTorch state-dict names and
// shapes: parameters, EMA teacher, optimiser state, ...) plus the metadata that lets training
// resume exactly. Written atomically; read back with checks of format, architecture and shapes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace semisam::io {

// Version 1 layout: root attributes format = "semisam-checkpoint", format_version, architecture,
// round, iteration, best_dice, command_line; groups /hyper_parameters and /info (string
// attributes), /rng/<stream> (uint64 attributes seed and offset), and one group per tensor group
// (e.g. /params) whose datasets are named by the tensor names, each with a "crc32" attribute.
constexpr int64_t kCheckpointFormatVersion = 1;
constexpr const char* kCheckpointFormat = "semisam-checkpoint";

// Conventional tensor group names.
constexpr const char* kParamsGroup = "params";
constexpr const char* kTeacherGroup = "teacher";
constexpr const char* kOptimizerGroup = "optimizer";

struct NamedTensor {
  std::string name;
  Tensor tensor;
};
// Keeps the order in which tensors were added (state-dict order) through a save and load.
using TensorList = std::vector<NamedTensor>;

// The tensor named `name`, or nullptr.
const Tensor* find_tensor(const TensorList& tensors, const std::string& name);

// Position of one random stream (counter-based: a seed and how far it has been consumed).
struct RngState {
  uint64_t seed = 0;
  uint64_t offset = 0;
  bool operator==(const RngState& other) const {
    return seed == other.seed && offset == other.offset;
  }
};

struct Checkpoint {
  int64_t format_version = kCheckpointFormatVersion;  // set by reading
  std::string architecture;                           // "unet_3D", "unet_3D_sdf", ...
  std::map<std::string, std::string> hyper_parameters;
  std::map<std::string, std::string> info;  // free-form: backbone, precision, experiment, ...
  int64_t round = 0;
  int64_t iteration = 0;
  double best_dice = 0.0;
  std::string command_line;
  std::map<std::string, TensorList> tensors;  // group name -> tensors
  std::map<std::string, RngState> rng;        // stream name -> state
};

// Writes `checkpoint` to `path` atomically (temporary file, fsync, rename): a crash leaves the
// previous file intact. Tensors may live on any device and have any strides.
void write_checkpoint(const std::string& path, const Checkpoint& checkpoint);

// Reads a checkpoint; checks the format and version and every tensor's checksum. Without
// `with_tensors` only the metadata is read.
Checkpoint read_checkpoint(const std::string& path, bool with_tensors = true);

// Throws unless `tensors` holds exactly the expected names with the expected shapes; the message
// lists every missing, unexpected and wrongly shaped tensor (expected vs actual).
void check_tensor_shapes(const TensorList& tensors, const std::map<std::string, Shape>& expected,
                         const std::string& context);
// The same check on names and shapes alone, before any tensor is read (PthArchive::shapes).
void check_tensor_shapes(const std::vector<std::pair<std::string, Shape>>& shapes,
                         const std::map<std::string, Shape>& expected, const std::string& context);

// Throws unless the checkpoint was written for `architecture`.
void check_architecture(const Checkpoint& checkpoint, const std::string& architecture,
                        const std::string& path);

// What a loader expects: the architecture and, per tensor group, names and shapes.
struct CheckpointExpectation {
  std::string architecture;
  std::map<std::string, std::map<std::string, Shape>> groups;
};

// read_checkpoint followed by the checks of the expectation.
Checkpoint load_checkpoint(const std::string& path, const CheckpointExpectation& expected);
// The common case: one architecture and its parameters in group "params".
Checkpoint load_checkpoint(const std::string& path, const std::string& architecture,
                           const std::map<std::string, Shape>& expected_params);

}  // namespace semisam::io

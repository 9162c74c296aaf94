// Reader for PyTorch checkpoints written by torch.save (the zip format): parses the restricted
// pickle into a value tree and reads tensor storages on demand, without Python.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/pickle_machine.h"
#include "io/pickle_value.h"
#include "io/pth_tensor_map.h"
#include "io/zip_reader.h"
#include "tensor/tensor.h"

namespace semisam::io {

struct PthOptions {
  // Objects of classes outside the allow-list (argparse.Namespace in a training checkpoint, numpy
  // scalars) are kept as inert records by default, so a checkpoint whose weights are plain can
  // be read even when other entries are not; nothing is ever executed either way. false refuses
  // the whole file at the first such global (torch.load(weights_only=True) behaviour).
  bool allow_opaque_objects = true;
  bool verify_crc = true;
};

// How many elements a tensor view may have per element of its storage (small storages count as
// kSmallStorageElements): broadcast views in real checkpoints stay well within it.
constexpr int64_t kMaxViewExpansion = 16;
constexpr int64_t kSmallStorageElements = int64_t(1) << 16;

class PthArchive {
 public:
  explicit PthArchive(const std::string& path, const PthOptions& options = {});

  const std::string& path() const { return zip_.path(); }
  const std::string& record_prefix() const { return prefix_; }  // "archive" for "archive/data.pkl"
  bool big_endian() const { return big_endian_; }
  const std::string& format_version() const { return version_; }  // content of `version`, trimmed
  const PickleValuePtr& root() const { return root_; }

  // The value reached by indexing the root dict with each key in turn; an error names the path
  // walked so far and lists the keys that exist at the level where it failed.
  PickleValuePtr at(const std::vector<std::string>& key_path) const;

  // A tensor of the tree as a CPU tensor of its original dtype (bool as uint8) and contiguous
  // layout. Each storage is read from the archive once; a tensor that covers its storage in order
  // shares that memory, any other layout is copied out. A view may not expand its storage beyond
  // kMaxViewExpansion times (stride 0 lets a few bytes of file name terabytes); `name` is the
  // key the error message names.
  Tensor tensor(const TensorRef& ref, const std::string& name = "") const;

  // Names (prefix removed) and shapes of the tensors tensors() would return, in file order,
  // without reading any storage: a caller compares them with what it expects first.
  std::vector<std::pair<std::string, Shape>> shapes(const std::vector<std::string>& key_path,
                                                    const std::string& prefix = "") const;

  // The tensors of the dict at key_path whose names start with prefix, with the prefix removed, in
  // file order. Plain non-tensor entries (numbers, strings, None) with a matching name are skipped
  // when skip_non_tensors and an error otherwise; an opaque object is always an error naming it.
  TensorMap tensors(const std::vector<std::string>& key_path, const std::string& prefix = "",
                    bool skip_non_tensors = true) const;

  // Drops the cached storages (tensors already returned keep theirs alive).
  void release_storages() const { storages_.clear(); }

 private:
  PickleValuePtr load_persistent(const PickleValuePtr& pid) const;
  // The tensor entries of the dict at key_path whose names start with prefix (see tensors()).
  std::vector<std::pair<std::string, const TensorRef*>> tensor_refs(
      const std::vector<std::string>& key_path, const std::string& prefix,
      bool skip_non_tensors) const;
  Tensor storage_tensor(const StorageRef& storage) const;

  ZipReader zip_;
  PthOptions options_;
  std::string prefix_;
  std::string version_;
  bool big_endian_ = false;
  PickleValuePtr root_;
  mutable std::unordered_map<std::string, Tensor> storages_;
};

// Splits "a/b/c" into {"a", "b", "c"} (state-dict names contain dots, so '/' separates levels);
// an empty string is the root.
std::vector<std::string> split_key_path(const std::string& key_path);

// One call for the common case: the tensors under key_path (split on '/') with the given prefix
// stripped, e.g. load_pth_tensors("sam_med3d_turbo.pth", "model_state_dict", "image_encoder.").
TensorMap load_pth_tensors(const std::string& path, const std::string& key_path,
                           const std::string& prefix = "", const PthOptions& options = {});

}  // namespace semisam::io

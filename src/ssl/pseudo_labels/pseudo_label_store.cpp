// Pseudo-label sets in our checkpoint format (CRC per tensor, atomic writes).
#include "ssl/pseudo_labels/pseudo_label_store.h"

#include "io/checkpoint.h"
#include "tensor/error.h"

namespace semisam::ssl {
namespace {
constexpr const char* kArchitecture = "semisam_pseudo_labels";
constexpr const char* kGroup = "labels";
}  // namespace

std::string pseudo_label_path(const std::string& experiment_dir, int64_t round) {
  return experiment_dir + "/state/labels_round" + std::to_string(round) + ".h5";
}

void save_pseudo_labels(const std::string& path, int64_t round,
                        const std::vector<std::string>& names, const std::vector<Tensor>& labels) {
  SEMISAM_CHECK(names.size() == labels.size(), "save_pseudo_labels: ", names.size(), " names for ",
                labels.size(), " labels");
  io::Checkpoint ckpt;
  ckpt.architecture = kArchitecture;
  ckpt.round = round;
  io::TensorList& list = ckpt.tensors[kGroup];
  for (size_t i = 0; i < names.size(); ++i) list.push_back({names[i], labels[i]});
  io::write_checkpoint(path, ckpt);
}

std::vector<Tensor> load_pseudo_labels(const std::string& path, int64_t round,
                                       const std::vector<std::string>& names) {
  io::Checkpoint ckpt = io::read_checkpoint(path);
  io::check_architecture(ckpt, kArchitecture, path);
  SEMISAM_CHECK(ckpt.round == round, path, " holds the pseudo-labels of round ", ckpt.round,
                ", not of round ", round);
  const io::TensorList& list = ckpt.tensors[kGroup];
  std::vector<Tensor> labels;
  for (const std::string& name : names) {
    const Tensor* t = io::find_tensor(list, name);
    SEMISAM_CHECK(t != nullptr, path, " holds no pseudo-label for case '", name, "'");
    labels.push_back(*t);
  }
  return labels;
}

}  // namespace semisam::ssl

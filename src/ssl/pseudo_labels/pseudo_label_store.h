// The pseudo-labels a round trains on, saved in the experiment's state folder before the round
// starts so that a resumed run trains on exactly the same ones.
#pragma once

#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace semisam::ssl {

// <state>/labels_round<r>.h5
std::string pseudo_label_path(const std::string& experiment_dir, int64_t round);

// Writes labels[i] (uint8 [X, Y, Z]) under names[i], atomically, with a checksum per case.
void save_pseudo_labels(const std::string& path, int64_t round,
                        const std::vector<std::string>& names, const std::vector<Tensor>& labels);

// Reads them back in the order of `names`; throws naming the file and the case when one is missing,
// or when the file belongs to another round.
std::vector<Tensor> load_pseudo_labels(const std::string& path, int64_t round,
                                       const std::vector<std::string>& names);

}  // namespace semisam::ssl

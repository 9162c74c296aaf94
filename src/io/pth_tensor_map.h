// TensorMap: named tensors in the order a checkpoint lists them (a state dict), with lookup by name.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace semisam::io {

class TensorMap {
 public:
  using Item = std::pair<std::string, Tensor>;

  // Adds a name; a name given twice is an error naming it.
  void insert(const std::string& name, Tensor tensor) {
    SEMISAM_CHECK(index_.emplace(name, items_.size()).second, "tensor '", name,
                  "' appears twice");
    items_.emplace_back(name, std::move(tensor));
  }
  bool contains(const std::string& name) const { return index_.count(name) != 0; }
  const Tensor* find(const std::string& name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &items_[it->second].second;
  }
  const Tensor& at(const std::string& name) const {
    const Tensor* t = find(name);
    SEMISAM_CHECK(t != nullptr, "no tensor named '", name, "' (", items_.size(), " tensors",
                  items_.empty() ? "" : ", the first is '", items_.empty() ? "" : items_[0].first,
                  items_.empty() ? "" : "'", ")");
    return *t;
  }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& item : items_) out.push_back(item.first);
    return out;
  }
  std::vector<Item>::const_iterator begin() const { return items_.begin(); }
  std::vector<Item>::const_iterator end() const { return items_.end(); }

 private:
  std::vector<Item> items_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace semisam::io

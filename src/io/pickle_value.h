// The values a restricted pickle stream can produce: Python's plain containers and scalars, plus
// references to torch storages and tensors, and inert "opaque" objects for non-allowed classes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tensor/dtype.h"

namespace semisam::io {

struct PickleValue;
using PickleValuePtr = std::shared_ptr<PickleValue>;

enum class PickleKind {
  None, Bool, Int, Float, String, Bytes, List, Tuple, Dict, Set,
  Global,   // a resolved allow-listed callable/class, e.g. "collections.OrderedDict"
  Storage,  // a torch storage named by a persistent id (not read yet)
  Tensor,   // a view of a storage (not materialised yet)
  Opaque,   // an object of a non-allowed class: a record of its name and arguments, never run
};
const char* pickle_kind_name(PickleKind kind);

// A storage as named in the pickle: the bytes live in the archive entry `data/<key>`.
struct StorageRef {
  std::string key;
  std::string location;  // "cpu", "cuda:0", ...
  DType dtype = DType::Float32;
  bool is_bool = false;  // torch.bool: one byte per element, read as uint8
  int64_t numel = 0;
};

// The arguments of torch._utils._rebuild_tensor_v2, validated against the storage's size.
struct TensorRef {
  std::shared_ptr<const StorageRef> storage;
  int64_t storage_offset = 0;
  std::vector<int64_t> size;
  std::vector<int64_t> stride;
  bool requires_grad = false;
};

// Dictionary with Python's semantics that matter here: insertion order, a key set twice keeps its
// first position and its last value. String keys are indexed; other keys compare by value.
class PickleDict {
 public:
  void set(const PickleValuePtr& key, const PickleValuePtr& value);
  const PickleValuePtr* find(const std::string& key) const;
  size_t size() const { return items_.size(); }
  const std::vector<std::pair<PickleValuePtr, PickleValuePtr>>& items() const { return items_; }
  // Empties the dict, handing its items to the caller.
  std::vector<std::pair<PickleValuePtr, PickleValuePtr>> take_items();

 private:
  std::vector<std::pair<PickleValuePtr, PickleValuePtr>> items_;
  std::unordered_map<std::string, size_t> string_index_;
};

struct PickleValue {
  PickleValue() = default;
  PickleValue(const PickleValue&) = delete;
  PickleValue& operator=(const PickleValue&) = delete;
  // Frees nested containers with an explicit work list: a hostile pickle can nest lists a million
  // levels deep, and recursive destruction would overflow the call stack.
  ~PickleValue();

  PickleKind kind = PickleKind::None;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  std::string text;                    // String, Bytes; Global/Opaque: "module.qualname"
  std::vector<PickleValuePtr> items;   // List, Tuple, Set; Opaque: constructor arguments
  PickleDict dict;                     // Dict; Opaque: items added by SETITEM(S)
  PickleValuePtr state;                // Opaque: what BUILD gave it
  std::shared_ptr<const StorageRef> storage;
  std::shared_ptr<const TensorRef> tensor;

  static PickleValuePtr make(PickleKind kind);
  static PickleValuePtr none();
  static PickleValuePtr from_bool(bool v);
  static PickleValuePtr from_int(int64_t v);
  static PickleValuePtr from_float(double v);
  static PickleValuePtr from_string(std::string v);
  static PickleValuePtr global(std::string name);

  bool is(PickleKind k) const { return kind == k; }
};

// Python-like equality for the hashable kinds used as keys (None, bool, int, float, str, bytes,
// tuples of those); other kinds compare by identity.
bool pickle_keys_equal(const PickleValue& a, const PickleValue& b);

// A short, bounded description for error messages: "str 'epoch'", "dict (3 items)",
// "tensor float32[3, 4]", "opaque argparse.Namespace".
std::string describe(const PickleValue& value);

}  // namespace semisam::io

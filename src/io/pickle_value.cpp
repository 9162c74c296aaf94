// Construction, dictionary semantics, key equality and short descriptions of pickle values.
#include "io/pickle_value.h"

#include <sstream>

#include "tensor/tensor.h"

namespace semisam::io {

const char* pickle_kind_name(PickleKind kind) {
  switch (kind) {
    case PickleKind::None: return "None";
    case PickleKind::Bool: return "bool";
    case PickleKind::Int: return "int";
    case PickleKind::Float: return "float";
    case PickleKind::String: return "str";
    case PickleKind::Bytes: return "bytes";
    case PickleKind::List: return "list";
    case PickleKind::Tuple: return "tuple";
    case PickleKind::Dict: return "dict";
    case PickleKind::Set: return "set";
    case PickleKind::Global: return "global";
    case PickleKind::Storage: return "storage";
    case PickleKind::Tensor: return "tensor";
    case PickleKind::Opaque: return "opaque object";
  }
  return "?";
}

void PickleDict::set(const PickleValuePtr& key, const PickleValuePtr& value) {
  if (key->is(PickleKind::String)) {
    auto it = string_index_.find(key->text);
    if (it != string_index_.end()) {
      items_[it->second].second = value;
      return;
    }
    string_index_.emplace(key->text, items_.size());
  } else {
    for (auto& item : items_) {
      if (!item.first->is(PickleKind::String) && pickle_keys_equal(*item.first, *key)) {
        item.second = value;
        return;
      }
    }
  }
  items_.emplace_back(key, value);
}

const PickleValuePtr* PickleDict::find(const std::string& key) const {
  auto it = string_index_.find(key);
  return it == string_index_.end() ? nullptr : &items_[it->second].second;
}

std::vector<std::pair<PickleValuePtr, PickleValuePtr>> PickleDict::take_items() {
  string_index_.clear();
  return std::move(items_);
}

namespace {

// Moves the children of `v` onto the work list, leaving `v` without any.
void take_children(PickleValue& v, std::vector<PickleValuePtr>& work) {
  for (auto& item : v.items) work.push_back(std::move(item));
  v.items.clear();
  for (auto& kv : v.dict.take_items()) {
    work.push_back(std::move(kv.first));
    work.push_back(std::move(kv.second));
  }
  if (v.state) work.push_back(std::move(v.state));
}

}  // namespace

PickleValue::~PickleValue() {
  std::vector<PickleValuePtr> work;
  take_children(*this, work);
  while (!work.empty()) {
    PickleValuePtr next = std::move(work.back());
    work.pop_back();
    // Only the last owner dismantles a node; its destructor then finds no children.
    if (next && next.use_count() == 1) take_children(*next, work);
  }
}

PickleValuePtr PickleValue::make(PickleKind kind) {
  auto v = std::make_shared<PickleValue>();
  v->kind = kind;
  return v;
}

PickleValuePtr PickleValue::none() { return make(PickleKind::None); }

PickleValuePtr PickleValue::from_bool(bool b) {
  auto v = make(PickleKind::Bool);
  v->boolean = b;
  return v;
}

PickleValuePtr PickleValue::from_int(int64_t i) {
  auto v = make(PickleKind::Int);
  v->integer = i;
  return v;
}

PickleValuePtr PickleValue::from_float(double d) {
  auto v = make(PickleKind::Float);
  v->real = d;
  return v;
}

PickleValuePtr PickleValue::from_string(std::string s) {
  auto v = make(PickleKind::String);
  v->text = std::move(s);
  return v;
}

PickleValuePtr PickleValue::global(std::string name) {
  auto v = make(PickleKind::Global);
  v->text = std::move(name);
  return v;
}

namespace {

// Python treats True == 1 == 1.0 as the same dict key; compare numbers by value.
bool numeric(const PickleValue& v, double& out) {
  if (v.is(PickleKind::Bool)) out = v.boolean ? 1.0 : 0.0;
  else if (v.is(PickleKind::Int)) out = double(v.integer);
  else if (v.is(PickleKind::Float)) out = v.real;
  else return false;
  return true;
}

bool keys_equal(const PickleValue& a, const PickleValue& b, int depth) {
  if (&a == &b) return true;
  if (depth > 32) return false;
  double x, y;
  if (numeric(a, x) && numeric(b, y)) {
    if (a.is(PickleKind::Int) && b.is(PickleKind::Int)) return a.integer == b.integer;
    return x == y;
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case PickleKind::None: return true;
    case PickleKind::String:
    case PickleKind::Bytes:
    case PickleKind::Global: return a.text == b.text;
    case PickleKind::Tuple:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i)
        if (!keys_equal(*a.items[i], *b.items[i], depth + 1)) return false;
      return true;
    default: return false;
  }
}

std::string quoted(const std::string& s) {
  const size_t limit = 60;
  std::string shown = s.size() > limit ? s.substr(0, limit) + "..." : s;
  return "'" + shown + "'";
}

}  // namespace

bool pickle_keys_equal(const PickleValue& a, const PickleValue& b) { return keys_equal(a, b, 0); }

std::string describe(const PickleValue& v) {
  std::ostringstream out;
  switch (v.kind) {
    case PickleKind::None: out << "None"; break;
    case PickleKind::Bool: out << (v.boolean ? "True" : "False"); break;
    case PickleKind::Int: out << "int " << v.integer; break;
    case PickleKind::Float: out << "float " << v.real; break;
    case PickleKind::String: out << "str " << quoted(v.text); break;
    case PickleKind::Bytes: out << "bytes (" << v.text.size() << " bytes)"; break;
    case PickleKind::List:
    case PickleKind::Tuple:
    case PickleKind::Set:
      out << pickle_kind_name(v.kind) << " (" << v.items.size() << " items)";
      break;
    case PickleKind::Dict: out << "dict (" << v.dict.size() << " items)"; break;
    case PickleKind::Global: out << "global " << v.text; break;
    case PickleKind::Storage:
      out << "storage '" << (v.storage ? v.storage->key : "?") << "'";
      break;
    case PickleKind::Tensor:
      if (v.tensor && v.tensor->storage)
        out << "tensor " << (v.tensor->storage->is_bool ? "bool" : dtype_name(v.tensor->storage->dtype))
            << shape_str(v.tensor->size);
      else
        out << "tensor";
      break;
    case PickleKind::Opaque: out << "opaque object " << v.text; break;
  }
  return out.str();
}

}  // namespace semisam::io

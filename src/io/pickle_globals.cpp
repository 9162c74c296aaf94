// The allow-list of globals (containers, torch tensor/parameter rebuilders, storage classes) and
// the effect of REDUCE/NEWOBJ/BUILD on them; non-allowed globals are refused or kept inert.
#include "io/pickle_globals.h"

#include <cstring>
#include <limits>

#include "tensor/error.h"
#include "tensor/tensor.h"

namespace semisam::io {
namespace {

struct StorageClass {
  const char* name;
  DType dtype;
  bool is_bool;
};

constexpr StorageClass kStorageClasses[] = {
    {"torch.FloatStorage", DType::Float32, false},  {"torch.DoubleStorage", DType::Float64, false},
    {"torch.HalfStorage", DType::Float16, false},   {"torch.BFloat16Storage", DType::BFloat16, false},
    {"torch.LongStorage", DType::Int64, false},     {"torch.IntStorage", DType::Int32, false},
    {"torch.ByteStorage", DType::UInt8, false},     {"torch.BoolStorage", DType::UInt8, true},
};

// Names that resolve to a Global; each has a meaning in call_global or as a storage class.
constexpr const char* kAllowedCallables[] = {
    "collections.OrderedDict",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch.Size",
    "builtins.set",
    "builtins.frozenset",
    "builtins.list",
    "builtins.tuple",
    "builtins.dict",
    "_codecs.encode",
};

std::string tuple_arity_error(const std::string& fn, size_t got, const char* want) {
  return fn + " called with " + std::to_string(got) + " arguments (expects " + want + ")";
}

int64_t as_int(const PickleValuePtr& v, const std::string& what, const std::string& where) {
  SEMISAM_CHECK(v->is(PickleKind::Int), where, ": ", what, " must be an int, got ", describe(*v));
  return v->integer;
}

std::vector<int64_t> as_int_tuple(const PickleValuePtr& v, const std::string& what,
                                  const std::string& where) {
  SEMISAM_CHECK(v->is(PickleKind::Tuple) || v->is(PickleKind::List), where, ": ", what,
                " must be a tuple of ints, got ", describe(*v));
  std::vector<int64_t> out;
  for (const auto& item : v->items) out.push_back(as_int(item, what, where));
  return out;
}

// torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
// backward_hooks[, metadata]): checks that every element the view reaches lies in the storage.
PickleValuePtr rebuild_tensor(const std::vector<PickleValuePtr>& a, const PickleOptions& options,
                              const std::string& where) {
  const std::string fn = "torch._utils._rebuild_tensor_v2";
  SEMISAM_CHECK(a.size() == 6 || a.size() == 7, where, ": ",
                tuple_arity_error(fn, a.size(), "6 or 7"));
  SEMISAM_CHECK(a[0]->is(PickleKind::Storage) && a[0]->storage, where, ": ", fn,
                " needs a storage as first argument, got ", describe(*a[0]));
  auto ref = std::make_shared<TensorRef>();
  ref->storage = a[0]->storage;
  ref->storage_offset = as_int(a[1], "storage_offset", where);
  ref->size = as_int_tuple(a[2], "size", where);
  ref->stride = as_int_tuple(a[3], "stride", where);
  SEMISAM_CHECK(a[4]->is(PickleKind::Bool), where, ": requires_grad must be a bool, got ",
                describe(*a[4]));
  ref->requires_grad = a[4]->boolean;
  SEMISAM_CHECK(ref->size.size() == ref->stride.size(), where, ": tensor size has ",
                ref->size.size(), " dimensions but stride has ", ref->stride.size());
  SEMISAM_CHECK(ref->size.size() <= 64, where, ": tensor with ", ref->size.size(),
                " dimensions");
  SEMISAM_CHECK(ref->storage_offset >= 0, where, ": negative storage offset ",
                ref->storage_offset);
  int64_t numel = 1, last = ref->storage_offset;
  const int64_t max_value = std::numeric_limits<int64_t>::max() / 2;
  for (size_t d = 0; d < ref->size.size(); ++d) {
    int64_t n = ref->size[d], s = ref->stride[d];
    SEMISAM_CHECK(n >= 0 && s >= 0, where, ": negative size or stride in tensor of size ",
                  shape_str(ref->size));
    SEMISAM_CHECK(n == 0 || numel <= options.max_tensor_elements / n, where,
                  ": tensor of size ", shape_str(ref->size), " is too large");
    numel *= n;
    if (n > 0) {
      SEMISAM_CHECK(s == 0 || (n - 1) <= (max_value - last) / s, where,
                    ": tensor stride overflows (size ", shape_str(ref->size), ")");
      last += (n - 1) * s;
    }
  }
  if (numel > 0)
    SEMISAM_CHECK(last < ref->storage->numel, where, ": tensor of size ", shape_str(ref->size),
                  ", stride ", shape_str(ref->stride), ", offset ", ref->storage_offset,
                  " reaches element ", last, " of storage '", ref->storage->key, "' which has ",
                  ref->storage->numel, " elements");
  auto v = PickleValue::make(PickleKind::Tensor);
  v->tensor = ref;
  return v;
}

PickleValuePtr with_requires_grad(const PickleValuePtr& data, const PickleValuePtr& flag,
                                  const std::string& fn, const std::string& where) {
  SEMISAM_CHECK(data->is(PickleKind::Tensor), where, ": ", fn, " needs a tensor, got ",
                describe(*data));
  SEMISAM_CHECK(flag->is(PickleKind::Bool), where, ": ", fn, " requires_grad must be a bool");
  auto ref = std::make_shared<TensorRef>(*data->tensor);
  ref->requires_grad = flag->boolean;
  auto v = PickleValue::make(PickleKind::Tensor);
  v->tensor = ref;
  return v;
}

PickleValuePtr dict_from_pairs(const PickleValuePtr& pairs, const std::string& where) {
  auto d = PickleValue::make(PickleKind::Dict);
  if (pairs->is(PickleKind::Dict)) {
    for (const auto& kv : pairs->dict.items()) d->dict.set(kv.first, kv.second);
    return d;
  }
  SEMISAM_CHECK(pairs->is(PickleKind::List) || pairs->is(PickleKind::Tuple), where,
                ": dict/OrderedDict built from ", describe(*pairs));
  for (const auto& pair : pairs->items) {
    SEMISAM_CHECK((pair->is(PickleKind::Tuple) || pair->is(PickleKind::List)) &&
                      pair->items.size() == 2,
                  where, ": dict/OrderedDict item is not a (key, value) pair");
    d->dict.set(pair->items[0], pair->items[1]);
  }
  return d;
}

PickleValuePtr sequence_copy(const PickleValuePtr& src, PickleKind kind, const std::string& fn,
                             const std::string& where) {
  SEMISAM_CHECK(src->is(PickleKind::List) || src->is(PickleKind::Tuple) ||
                    src->is(PickleKind::Set),
                where, ": ", fn, " of ", describe(*src), " is not supported");
  auto v = PickleValue::make(kind);
  v->items = src->items;
  return v;
}

}  // namespace

bool storage_class_dtype(const std::string& name, DType& dtype, bool& is_bool) {
  for (const auto& c : kStorageClasses) {
    if (name == c.name) {
      dtype = c.dtype;
      is_bool = c.is_bool;
      return true;
    }
  }
  return false;
}

PickleValuePtr resolve_global(const std::string& module, const std::string& name,
                              const PickleOptions& options, const std::string& where) {
  std::string full = module + "." + name;
  if (module == "__builtin__") full = "builtins." + name;  // protocol-2 pickles from Python 2
  DType dtype;
  bool is_bool;
  if (storage_class_dtype(full, dtype, is_bool)) return PickleValue::global(full);
  for (const char* allowed : kAllowedCallables)
    if (full == allowed) return PickleValue::global(full);
  SEMISAM_CHECK(options.allow_opaque_objects, where, ": disallowed global '", full,
                "': only plain containers, collections.OrderedDict, torch tensors, parameters "
                "and storages may appear in a checkpoint read without Python (nothing was "
                "executed)");
  auto v = PickleValue::make(PickleKind::Opaque);
  v->text = full;
  return v;
}

PickleValuePtr call_global(const PickleValuePtr& callable, const PickleValuePtr& args,
                           const PickleOptions& options, const std::string& where) {
  SEMISAM_CHECK(args->is(PickleKind::Tuple), where, ": call arguments must be a tuple, got ",
                describe(*args));
  const auto& a = args->items;
  if (callable->is(PickleKind::Opaque)) {
    // Calling an inert object: record the call, run nothing.
    auto v = PickleValue::make(PickleKind::Opaque);
    v->text = callable->text;
    v->items = a;
    return v;
  }
  SEMISAM_CHECK(callable->is(PickleKind::Global), where, ": cannot call ", describe(*callable));
  const std::string& fn = callable->text;
  if (fn == "collections.OrderedDict" || fn == "builtins.dict") {
    SEMISAM_CHECK(a.size() <= 1, where, ": ", tuple_arity_error(fn, a.size(), "0 or 1"));
    return a.empty() ? PickleValue::make(PickleKind::Dict) : dict_from_pairs(a[0], where);
  }
  if (fn == "torch._utils._rebuild_tensor_v2") return rebuild_tensor(a, options, where);
  if (fn == "torch._utils._rebuild_parameter") {
    SEMISAM_CHECK(a.size() == 3, where, ": ", tuple_arity_error(fn, a.size(), "3"));
    return with_requires_grad(a[0], a[1], fn, where);
  }
  if (fn == "torch._utils._rebuild_parameter_with_state") {
    SEMISAM_CHECK(a.size() == 4, where, ": ", tuple_arity_error(fn, a.size(), "4"));
    return with_requires_grad(a[0], a[1], fn, where);
  }
  if (fn == "torch.Size" || fn == "builtins.tuple") {
    SEMISAM_CHECK(a.size() <= 1, where, ": ", tuple_arity_error(fn, a.size(), "0 or 1"));
    return a.empty() ? PickleValue::make(PickleKind::Tuple)
                     : sequence_copy(a[0], PickleKind::Tuple, fn, where);
  }
  if (fn == "builtins.list") {
    SEMISAM_CHECK(a.size() <= 1, where, ": ", tuple_arity_error(fn, a.size(), "0 or 1"));
    return a.empty() ? PickleValue::make(PickleKind::List)
                     : sequence_copy(a[0], PickleKind::List, fn, where);
  }
  if (fn == "builtins.set" || fn == "builtins.frozenset") {
    SEMISAM_CHECK(a.size() <= 1, where, ": ", tuple_arity_error(fn, a.size(), "0 or 1"));
    return a.empty() ? PickleValue::make(PickleKind::Set)
                     : sequence_copy(a[0], PickleKind::Set, fn, where);
  }
  if (fn == "_codecs.encode") {
    // How protocol 2 spells a bytes object: encode(text, 'latin1').
    SEMISAM_CHECK(a.size() == 2 && a[0]->is(PickleKind::String) && a[1]->is(PickleKind::String),
                  where, ": _codecs.encode must be called as encode(str, encoding)");
    auto v = PickleValue::make(PickleKind::Bytes);
    if (a[1]->text == "latin1" || a[1]->text == "latin-1") {
      const std::string& s = a[0]->text;  // UTF-8; each code point is < 256 by construction
      for (size_t i = 0; i < s.size(); ++i) {
        auto c = uint8_t(s[i]);
        if (c < 0x80) {
          v->text.push_back(char(c));
        } else {
          SEMISAM_CHECK((c == 0xc2 || c == 0xc3) && i + 1 < s.size(), where,
                        ": _codecs.encode: text not encodable as latin1");
          v->text.push_back(char(((c & 0x03) << 6) | (uint8_t(s[++i]) & 0x3f)));
        }
      }
    } else {
      SEMISAM_CHECK(a[1]->text == "utf-8" || a[1]->text == "utf8", where,
                    ": _codecs.encode with unsupported encoding '", a[1]->text, "'");
      v->text = a[0]->text;
    }
    return v;
  }
  SEMISAM_FAIL(where, ": '", fn, "' cannot be called (storage classes only name a dtype)");
}

PickleValuePtr build_object(const PickleValuePtr& object, const PickleValuePtr& state,
                            const std::string& where) {
  if (object->is(PickleKind::Opaque)) {
    object->state = state;
    return object;
  }
  // nn.Module.state_dict() returns an OrderedDict carrying a `_metadata` attribute (versions of
  // the modules), which arrives as a state dict; the items themselves are unaffected.
  if (object->is(PickleKind::Dict) && (state->is(PickleKind::None) || state->is(PickleKind::Dict)))
    return object;
  // Tensors and parameters with Python attributes (e.g. a tensor subclass' __dict__) carry them
  // as state; the numbers are already in the storage, so the state is dropped.
  if (object->is(PickleKind::Tensor)) return object;
  SEMISAM_FAIL(where, ": BUILD with state ", describe(*state), " on ", describe(*object),
               " is not supported");
}

}  // namespace semisam::io

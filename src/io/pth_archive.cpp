// Opening a torch.save archive: record layout checks, the pickle with its storage persistent ids,
// and walking the value tree by key path into named tensors.
#include "io/pth_archive.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "io/pickle_globals.h"
#include "tensor/error.h"

namespace semisam::io {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string join_path(const std::vector<std::string>& keys, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += (i ? "/" : "") + keys[i];
  return out.empty() ? "<root>" : "'" + out + "'";
}

std::string list_keys(const PickleDict& dict) {
  std::ostringstream out;
  const size_t shown = 20;
  size_t i = 0;
  for (const auto& kv : dict.items()) {
    if (i == shown) {
      out << ", ... (" << dict.size() - shown << " more)";
      break;
    }
    out << (i++ ? ", " : "");
    if (kv.first->is(PickleKind::String)) out << "'" << kv.first->text << "'";
    else out << describe(*kv.first);
  }
  return i == 0 ? "none" : out.str();
}

// torch.save with _use_new_zipfile_serialization=False (and torch < 1.6) writes a bare pickle
// sequence starting with a protocol opcode; name that format instead of "not a zip archive".
void refuse_legacy_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  SEMISAM_CHECK(in.good(), path, ": cannot open");
  unsigned char head[4] = {0, 0, 0, 0};
  in.read(reinterpret_cast<char*>(head), 4);
  SEMISAM_CHECK(in.gcount() > 0, path, ": empty file (not a torch.save archive)");
  SEMISAM_CHECK(!(head[0] == 0x80 && head[1] >= 2 && head[1] <= 5), path,
                ": legacy (non-zip) torch serialization format, written by torch < 1.6 or with "
                "_use_new_zipfile_serialization=False; re-save it with a current torch.save");
}

}  // namespace

std::vector<std::string> split_key_path(const std::string& key_path) {
  std::vector<std::string> keys;
  if (key_path.empty()) return keys;
  size_t start = 0;
  while (true) {
    size_t slash = key_path.find('/', start);
    keys.push_back(key_path.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return keys;
}

PthArchive::PthArchive(const std::string& path, const PthOptions& options)
    : zip_((refuse_legacy_format(path), path)), options_(options) {
  const ZipEntry* pickle_entry = nullptr;
  for (const ZipEntry& e : zip_.entries()) {
    size_t slash = e.name.find('/');
    if (slash != std::string::npos && e.name.compare(slash, std::string::npos, "/data.pkl") == 0) {
      pickle_entry = &e;
      prefix_ = e.name.substr(0, slash);
      break;
    }
  }
  if (!pickle_entry) {
    std::string names;
    for (size_t i = 0; i < zip_.entries().size() && i < 8; ++i)
      names += (i ? ", " : "") + zip_.entries()[i].name;
    SEMISAM_FAIL(path, ": missing data.pkl (a zip archive, but not a torch.save checkpoint; ",
                 "entries: ", names.empty() ? "none" : names, ")");
  }
  if (const ZipEntry* e = zip_.find(prefix_ + "/byteorder")) {
    SEMISAM_CHECK(e->uncompressed_size <= 16, path, ": entry '", e->name, "' is corrupt");
    auto bytes = zip_.read(*e, options_.verify_crc);
    std::string order = trimmed(std::string(bytes.begin(), bytes.end()));
    SEMISAM_CHECK(order == "little" || order == "big", path, ": entry '", e->name,
                  "' names an unknown byte order '", order, "'");
    big_endian_ = order == "big";
  }
  for (const char* name : {"/version", "/.data/version"}) {
    const ZipEntry* e = zip_.find(prefix_ + name);
    if (!e) continue;
    SEMISAM_CHECK(e->uncompressed_size <= 64, path, ": entry '", e->name, "' is corrupt");
    auto bytes = zip_.read(*e, options_.verify_crc);
    version_ = trimmed(std::string(bytes.begin(), bytes.end()));
    break;
  }
  std::vector<uint8_t> program = zip_.read(*pickle_entry, options_.verify_crc);
  PickleOptions pickle_options;
  pickle_options.allow_opaque_objects = options_.allow_opaque_objects;
  root_ = unpickle(program.data(), program.size(), path + ": " + pickle_entry->name,
                   [this](const PickleValuePtr& pid) { return load_persistent(pid); },
                   pickle_options);
}

// torch.save's persistent id for a storage: ('storage', storage class, key, location, numel).
PickleValuePtr PthArchive::load_persistent(const PickleValuePtr& pid) const {
  const std::string where = path() + ": " + prefix_ + "/data.pkl";
  SEMISAM_CHECK(pid->is(PickleKind::Tuple) && pid->items.size() == 5 &&
                    pid->items[0]->is(PickleKind::String) && pid->items[0]->text == "storage",
                where, ": unsupported persistent id ", describe(*pid),
                " (expected ('storage', type, key, location, numel))");
  const auto& type = pid->items[1];
  const auto& key = pid->items[2];
  const auto& location = pid->items[3];
  const auto& numel = pid->items[4];
  auto ref = std::make_shared<StorageRef>();
  SEMISAM_CHECK(type->is(PickleKind::Global) &&
                    storage_class_dtype(type->text, ref->dtype, ref->is_bool),
                where, ": unsupported storage type ", describe(*type),
                " (supported: Float, Double, Half, BFloat16, Long, Int, Byte and Bool storages)");
  SEMISAM_CHECK(key->is(PickleKind::String) && location->is(PickleKind::String) &&
                    numel->is(PickleKind::Int) && numel->integer >= 0,
                where, ": malformed storage persistent id");
  ref->key = key->text;
  ref->location = location->text;
  ref->numel = numel->integer;
  const std::string entry_name = prefix_ + "/data/" + ref->key;
  const ZipEntry* entry = zip_.find(entry_name);
  SEMISAM_CHECK(entry != nullptr, path(), ": storage '", ref->key, "' has no entry '",
                entry_name, "' in the archive");
  uint64_t element = dtype_size(ref->dtype);
  SEMISAM_CHECK(uint64_t(ref->numel) <= entry->uncompressed_size / element &&
                    entry->uncompressed_size == uint64_t(ref->numel) * element,
                path(), ": entry '", entry_name, "' holds ", entry->uncompressed_size,
                " bytes but its storage needs ", ref->numel, " elements of ", element, " bytes");
  auto v = PickleValue::make(PickleKind::Storage);
  v->storage = ref;
  return v;
}

PickleValuePtr PthArchive::at(const std::vector<std::string>& key_path) const {
  PickleValuePtr node = root_;
  for (size_t i = 0; i < key_path.size(); ++i) {
    SEMISAM_CHECK(node->is(PickleKind::Dict), path(), ": cannot look up key '", key_path[i],
                  "': the value at ", join_path(key_path, i), " is ", describe(*node),
                  ", not a dict");
    const PickleValuePtr* child = node->dict.find(key_path[i]);
    SEMISAM_CHECK(child != nullptr, path(), ": no key '", key_path[i], "' in the dict at ",
                  join_path(key_path, i), " (keys: ", list_keys(node->dict), ")");
    node = *child;
  }
  return node;
}

std::vector<std::pair<std::string, const TensorRef*>> PthArchive::tensor_refs(
    const std::vector<std::string>& key_path, const std::string& prefix,
    bool skip_non_tensors) const {
  PickleValuePtr dict = at(key_path);
  SEMISAM_CHECK(dict->is(PickleKind::Dict), path(), ": the value at ",
                join_path(key_path, key_path.size()), " is ", describe(*dict),
                ", not a dict of tensors");
  std::vector<std::pair<std::string, const TensorRef*>> out;
  size_t matched = 0;
  for (const auto& kv : dict->dict.items()) {
    if (!kv.first->is(PickleKind::String)) continue;
    const std::string& name = kv.first->text;
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    ++matched;
    if (!kv.second->is(PickleKind::Tensor)) {
      // An object of a non-allowed class is never skipped silently: it is what a tampered or
      // unexpected checkpoint looks like.
      SEMISAM_CHECK(!kv.second->is(PickleKind::Opaque), path(), ": entry '", name, "' of ",
                    join_path(key_path, key_path.size()), " is an ", describe(*kv.second),
                    " (a global outside the allow-list; it was not built and nothing was "
                    "executed)");
      SEMISAM_CHECK(skip_non_tensors, path(), ": entry '", name, "' of ",
                    join_path(key_path, key_path.size()), " is ", describe(*kv.second),
                    ", not a tensor");
      continue;
    }
    // The tree (root_) owns the reference for the archive's lifetime.
    out.emplace_back(name, kv.second->tensor.get());
  }
  SEMISAM_CHECK(matched > 0 || prefix.empty(), path(), ": no key of ",
                join_path(key_path, key_path.size()), " starts with '", prefix, "' (keys: ",
                list_keys(dict->dict), ")");
  return out;
}

TensorMap PthArchive::tensors(const std::vector<std::string>& key_path, const std::string& prefix,
                              bool skip_non_tensors) const {
  TensorMap out;
  for (const auto& [name, ref] : tensor_refs(key_path, prefix, skip_non_tensors))
    out.insert(name.substr(prefix.size()), tensor(*ref, name));
  return out;
}

std::vector<std::pair<std::string, Shape>> PthArchive::shapes(
    const std::vector<std::string>& key_path, const std::string& prefix) const {
  std::vector<std::pair<std::string, Shape>> out;
  for (const auto& [name, ref] : tensor_refs(key_path, prefix, true))
    out.emplace_back(name.substr(prefix.size()), Shape(ref->size.begin(), ref->size.end()));
  return out;
}

TensorMap load_pth_tensors(const std::string& path, const std::string& key_path,
                           const std::string& prefix, const PthOptions& options) {
  PthArchive archive(path, options);
  return archive.tensors(split_key_path(key_path), prefix);
}

}  // namespace semisam::io

// The unpickling loop: reads opcodes with bounds checks, keeps the stack, mark stack and memo,
// and hands GLOBAL/REDUCE/NEWOBJ/BUILD/BINPERSID to the allow-list and the persistent loader.
#include "io/pickle_machine.h"

#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "io/pickle_cycles.h"
#include "io/pickle_globals.h"
#include "tensor/error.h"

namespace semisam::io {

const char* pickle_opcode_name(uint8_t op) {
  switch (op) {
    case '(': return "MARK";            case '.': return "STOP";
    case '0': return "POP";             case '1': return "POP_MARK";
    case '2': return "DUP";             case 'F': return "FLOAT";
    case 'I': return "INT";             case 'J': return "BININT";
    case 'K': return "BININT1";         case 'L': return "LONG";
    case 'M': return "BININT2";         case 'N': return "NONE";
    case 'P': return "PERSID";          case 'Q': return "BINPERSID";
    case 'R': return "REDUCE";          case 'S': return "STRING";
    case 'T': return "BINSTRING";       case 'U': return "SHORT_BINSTRING";
    case 'V': return "UNICODE";         case 'X': return "BINUNICODE";
    case 'a': return "APPEND";          case 'b': return "BUILD";
    case 'c': return "GLOBAL";          case 'd': return "DICT";
    case '}': return "EMPTY_DICT";      case 'e': return "APPENDS";
    case 'g': return "GET";             case 'h': return "BINGET";
    case 'i': return "INST";            case 'j': return "LONG_BINGET";
    case 'l': return "LIST";            case ']': return "EMPTY_LIST";
    case 'o': return "OBJ";             case 'p': return "PUT";
    case 'q': return "BINPUT";          case 'r': return "LONG_BINPUT";
    case 's': return "SETITEM";         case 't': return "TUPLE";
    case ')': return "EMPTY_TUPLE";     case 'u': return "SETITEMS";
    case 'G': return "BINFLOAT";        case 'B': return "BINBYTES";
    case 'C': return "SHORT_BINBYTES";  case 0x80: return "PROTO";
    case 0x81: return "NEWOBJ";         case 0x82: return "EXT1";
    case 0x83: return "EXT2";           case 0x84: return "EXT4";
    case 0x85: return "TUPLE1";         case 0x86: return "TUPLE2";
    case 0x87: return "TUPLE3";         case 0x88: return "NEWTRUE";
    case 0x89: return "NEWFALSE";       case 0x8a: return "LONG1";
    case 0x8b: return "LONG4";          case 0x8c: return "SHORT_BINUNICODE";
    case 0x8d: return "BINUNICODE8";    case 0x8e: return "BINBYTES8";
    case 0x8f: return "EMPTY_SET";      case 0x90: return "ADDITEMS";
    case 0x91: return "FROZENSET";      case 0x92: return "NEWOBJ_EX";
    case 0x93: return "STACK_GLOBAL";   case 0x94: return "MEMOIZE";
    case 0x95: return "FRAME";          case 0x96: return "BYTEARRAY8";
    case 0x97: return "NEXT_BUFFER";    case 0x98: return "READONLY_BUFFER";
    default: return "unknown";
  }
}

namespace {

class Machine {
 public:
  Machine(const uint8_t* data, size_t size, const std::string& source,
          const PersistentLoader& loader, const PickleOptions& options)
      : data_(data), size_(size), source_(source), loader_(loader), options_(options) {}
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;
  // A stream that failed (or built a cycle) may leave values referring to each other in a cycle;
  // they are taken apart here so that nothing outlives the machine.
  ~Machine() {
    if (!succeeded_)
      for (const PickleValuePtr& v : mutated_) drop_references(*v);
  }

  PickleValuePtr run();

 private:
  std::string where() const {
    return source_ + ": pickle opcode " + pickle_opcode_name(op_) + " at byte " +
           std::to_string(op_pos_);
  }
  const uint8_t* take(size_t n) {
    SEMISAM_CHECK(n <= size_ - pos_, where(), ": truncated (needs ", n, " more bytes, ",
                  size_ - pos_, " left)");
    const uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  uint64_t uint_le(size_t n) {
    const uint8_t* p = take(n);
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t(p[i]) << (8 * i);
    return v;
  }
  std::string text(uint64_t n) {
    SEMISAM_CHECK(n <= size_ - pos_, where(), ": string of ", n, " bytes runs past the end (",
                  size_ - pos_, " bytes left)");
    const uint8_t* p = take(size_t(n));
    return std::string(reinterpret_cast<const char*>(p), size_t(n));
  }
  void push(PickleValuePtr v) {
    SEMISAM_CHECK(stack_.size() < options_.max_stack, where(), ": stack exceeds ",
                  options_.max_stack, " entries");
    stack_.push_back(std::move(v));
  }
  PickleValuePtr pop() {
    SEMISAM_CHECK(stack_.size() > stack_floor(), where(), ": stack underflow");
    PickleValuePtr v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  PickleValuePtr& top() {
    SEMISAM_CHECK(stack_.size() > stack_floor(), where(), ": stack underflow");
    return stack_.back();
  }
  // Items above the topmost mark may be consumed; the mark protects what lies below it.
  size_t stack_floor() const { return marks_.empty() ? 0 : marks_.back(); }
  std::vector<PickleValuePtr> pop_mark() {
    SEMISAM_CHECK(!marks_.empty(), where(), ": no MARK on the stack");
    size_t start = marks_.back();
    marks_.pop_back();
    std::vector<PickleValuePtr> items(std::make_move_iterator(stack_.begin() + long(start)),
                                      std::make_move_iterator(stack_.end()));
    stack_.resize(start);
    return items;
  }
  void memo_put(uint64_t index) {
    SEMISAM_CHECK(memo_.size() < options_.max_memo || memo_.count(index), where(),
                  ": memo exceeds ", options_.max_memo, " entries");
    memo_[index] = top();
  }
  void memo_get(uint64_t index) {
    auto it = memo_.find(index);
    SEMISAM_CHECK(it != memo_.end(), where(), ": memo index ", index, " was never stored");
    push(it->second);
  }
  PickleValuePtr tuple(std::vector<PickleValuePtr> items) {
    auto v = PickleValue::make(PickleKind::Tuple);
    v->items = std::move(items);
    return v;
  }
  // Every reference cycle runs through a value changed after it was made (a value only refers
  // to older ones when made), so those values are the roots of the cycle search.
  void note_mutated(const PickleValuePtr& target) {
    if (mutated_set_.insert(target.get()).second) mutated_.push_back(target);
  }
  void set_items(const PickleValuePtr& target, std::vector<PickleValuePtr>& kv) {
    SEMISAM_CHECK(kv.size() % 2 == 0, where(), ": odd number of items for a dict");
    SEMISAM_CHECK(target->is(PickleKind::Dict) || target->is(PickleKind::Opaque), where(),
                  ": SETITEM(S) on ", describe(*target));
    note_mutated(target);
    for (size_t i = 0; i < kv.size(); i += 2) target->dict.set(kv[i], kv[i + 1]);
  }
  void append_items(const PickleValuePtr& target, std::vector<PickleValuePtr>& items) {
    SEMISAM_CHECK(target->is(PickleKind::List) || target->is(PickleKind::Set) ||
                      target->is(PickleKind::Opaque),
                  where(), ": APPEND(S)/ADDITEMS on ", describe(*target));
    note_mutated(target);
    for (auto& v : items) target->items.push_back(std::move(v));
  }
  PickleValuePtr long_from_bytes(const uint8_t* p, uint64_t n);
  void global(const std::string& module, const std::string& name) {
    push(resolve_global(module, name, options_, where()));
  }
  bool step();

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  size_t op_pos_ = 0;
  uint8_t op_ = 0;
  const std::string& source_;
  const PersistentLoader& loader_;
  const PickleOptions& options_;
  std::vector<PickleValuePtr> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, PickleValuePtr> memo_;
  PickleValuePtr result_;
  // Held (not weak) so that an address in mutated_set_ is never reused by another value.
  std::vector<PickleValuePtr> mutated_;
  std::unordered_set<const PickleValue*> mutated_set_;
  bool succeeded_ = false;
};

// Two's-complement little-endian integers of any width; those that do not fit in 64 bits become
// an inert value (they never size a tensor).
PickleValuePtr Machine::long_from_bytes(const uint8_t* p, uint64_t n) {
  if (n == 0) return PickleValue::from_int(0);
  bool negative = (p[n - 1] & 0x80) != 0;
  if (n > 8) {
    bool fits = ((p[7] & 0x80) != 0) == negative;
    for (uint64_t i = 8; i < n; ++i) fits = fits && p[i] == (negative ? 0xff : 0x00);
    if (!fits) {
      auto v = PickleValue::make(PickleKind::Opaque);
      v->text = "builtins.int (wider than 64 bits)";
      return v;
    }
  }
  uint64_t u = negative ? ~uint64_t(0) : 0;  // sign extension for widths below 8 bytes
  for (uint64_t i = 0; i < n && i < 8; ++i) {
    u &= ~(uint64_t(0xff) << (8 * i));
    u |= uint64_t(p[i]) << (8 * i);
  }
  int64_t value;
  std::memcpy(&value, &u, sizeof value);
  return PickleValue::from_int(value);
}

bool Machine::step() {
  op_pos_ = pos_;
  op_ = *take(1);
  switch (op_) {
    case 0x80: {  // PROTO
      uint64_t proto = uint_le(1);
      SEMISAM_CHECK(proto >= 2 && proto <= 5, where(), ": pickle protocol ", proto,
                    " is not supported (2 to 5 are)");
      break;
    }
    case 0x95: {  // FRAME: a length prefix only; the opcodes inside are read as usual
      uint64_t n = uint_le(8);
      SEMISAM_CHECK(n <= size_ - pos_, where(), ": frame of ", n, " bytes runs past the end");
      break;
    }
    case '.': result_ = pop(); return false;
    case '(': marks_.push_back(stack_.size()); break;
    case '0': pop(); break;
    case '1': pop_mark(); break;
    case '2': push(top()); break;
    case 'N': push(PickleValue::none()); break;
    case 0x88: push(PickleValue::from_bool(true)); break;
    case 0x89: push(PickleValue::from_bool(false)); break;
    case 'J': {
      uint32_t u = uint32_t(uint_le(4));
      int32_t i;
      std::memcpy(&i, &u, 4);
      push(PickleValue::from_int(i));
      break;
    }
    case 'K': push(PickleValue::from_int(int64_t(uint_le(1)))); break;
    case 'M': push(PickleValue::from_int(int64_t(uint_le(2)))); break;
    case 0x8a: {
      uint64_t n = uint_le(1);
      push(long_from_bytes(take(size_t(n)), n));
      break;
    }
    case 0x8b: {
      uint64_t n = uint_le(4);
      SEMISAM_CHECK(n <= size_ - pos_, where(), ": integer of ", n, " bytes runs past the end");
      push(long_from_bytes(take(size_t(n)), n));
      break;
    }
    case 'G': {
      uint64_t u = 0;
      const uint8_t* p = take(8);
      for (int i = 0; i < 8; ++i) u = (u << 8) | p[i];  // big-endian
      double d;
      std::memcpy(&d, &u, 8);
      push(PickleValue::from_float(d));
      break;
    }
    case 'X': push(PickleValue::from_string(text(uint_le(4)))); break;
    case 0x8c: push(PickleValue::from_string(text(uint_le(1)))); break;
    case 0x8d: push(PickleValue::from_string(text(uint_le(8)))); break;
    case 'T':  // Python 2 str: kept as text, as pickle's default encoding="ASCII" would
      push(PickleValue::from_string(text(uint_le(4))));
      break;
    case 'U': push(PickleValue::from_string(text(uint_le(1)))); break;
    case 'B':
    case 'C':
    case 0x8e:
    case 0x96: {
      size_t width = op_ == 'C' ? 1 : (op_ == 'B' ? 4 : 8);
      auto v = PickleValue::make(PickleKind::Bytes);
      v->text = text(uint_le(width));
      push(v);
      break;
    }
    case '}': push(PickleValue::make(PickleKind::Dict)); break;
    case ']': push(PickleValue::make(PickleKind::List)); break;
    case ')': push(PickleValue::make(PickleKind::Tuple)); break;
    case 0x8f: push(PickleValue::make(PickleKind::Set)); break;
    case 't': push(tuple(pop_mark())); break;
    case 0x85:
    case 0x86:
    case 0x87: {
      size_t n = size_t(op_ - 0x84);
      std::vector<PickleValuePtr> items(n);
      for (size_t i = n; i-- > 0;) items[i] = pop();
      push(tuple(std::move(items)));
      break;
    }
    case 'l': {
      auto v = PickleValue::make(PickleKind::List);
      v->items = pop_mark();
      push(v);
      break;
    }
    case 0x91: {
      auto v = PickleValue::make(PickleKind::Set);
      v->items = pop_mark();
      push(v);
      break;
    }
    case 'd': {
      auto kv = pop_mark();
      auto v = PickleValue::make(PickleKind::Dict);
      set_items(v, kv);
      push(v);
      break;
    }
    case 's': {
      auto value = pop();
      auto key = pop();
      std::vector<PickleValuePtr> kv{key, value};
      set_items(top(), kv);
      break;
    }
    case 'u': {
      auto kv = pop_mark();
      set_items(top(), kv);
      break;
    }
    case 'a': {
      std::vector<PickleValuePtr> one{pop()};
      append_items(top(), one);
      break;
    }
    case 'e':
    case 0x90: {
      auto items = pop_mark();
      append_items(top(), items);
      break;
    }
    case 'q': memo_put(uint_le(1)); break;
    case 'r': memo_put(uint_le(4)); break;
    case 0x94: memo_put(memo_.size()); break;
    case 'h': memo_get(uint_le(1)); break;
    case 'j': memo_get(uint_le(4)); break;
    case 'c': {
      // Two newline-terminated names, bounded by the remaining input.
      std::string parts[2];
      for (auto& part : parts) {
        size_t start = pos_;
        while (pos_ < size_ && data_[pos_] != '\n') ++pos_;
        SEMISAM_CHECK(pos_ < size_, where(), ": truncated global name");
        part.assign(reinterpret_cast<const char*>(data_ + start), pos_ - start);
        ++pos_;
      }
      global(parts[0], parts[1]);
      break;
    }
    case 0x93: {
      auto name = pop();
      auto module = pop();
      SEMISAM_CHECK(module->is(PickleKind::String) && name->is(PickleKind::String), where(),
                    ": STACK_GLOBAL needs two strings");
      global(module->text, name->text);
      break;
    }
    case 'R': {
      auto args = pop();
      auto callable = pop();
      push(call_global(callable, args, options_, where()));
      break;
    }
    case 0x81: {  // NEWOBJ: cls.__new__(cls, *args)
      auto args = pop();
      auto cls = pop();
      push(call_global(cls, args, options_, where()));
      break;
    }
    case 0x92: {  // NEWOBJ_EX: keyword arguments are only accepted for inert objects
      auto kwargs = pop();
      auto args = pop();
      auto cls = pop();
      SEMISAM_CHECK(cls->is(PickleKind::Opaque) ||
                        (kwargs->is(PickleKind::Dict) && kwargs->dict.size() == 0),
                    where(), ": keyword arguments for ", describe(*cls));
      push(call_global(cls, args, options_, where()));
      break;
    }
    case 'b': {
      auto state = pop();
      auto object = pop();
      note_mutated(object);  // an opaque object keeps the state
      push(build_object(object, state, where()));
      break;
    }
    case 'Q': {
      auto pid = pop();
      SEMISAM_CHECK(static_cast<bool>(loader_), where(),
                    ": persistent id without a persistent loader");
      push(loader_(pid));
      break;
    }
    default:
      SEMISAM_FAIL(source_, ": unsupported pickle opcode 0x", "0123456789abcdef"[op_ >> 4],
                   "0123456789abcdef"[op_ & 15], " (", pickle_opcode_name(op_), ") at byte ",
                   op_pos_);
  }
  return true;
}

PickleValuePtr Machine::run() {
  SEMISAM_CHECK(size_ > 0, source_, ": empty pickle stream");
  while (step()) {
    SEMISAM_CHECK(pos_ < size_, source_, ": pickle stream ends without STOP (truncated?)");
  }
  SEMISAM_CHECK(result_ != nullptr, source_, ": STOP with an empty stack");
  std::vector<const PickleValue*> roots;
  for (const PickleValuePtr& v : mutated_) roots.push_back(v.get());
  SEMISAM_CHECK(!has_reference_cycle(roots), source_,
                ": a container contains itself (directly or through others); such "
                "self-referencing values are refused");
  succeeded_ = true;
  return result_;
}

}  // namespace

PickleValuePtr unpickle(const uint8_t* data, size_t size, const std::string& source,
                        const PersistentLoader& persistent_load, const PickleOptions& options) {
  Machine machine(data, size, source, persistent_load, options);
  return machine.run();
}

}  // namespace semisam::io

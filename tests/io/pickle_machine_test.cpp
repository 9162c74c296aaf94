// Restricted unpickler tests on hand-assembled opcode streams: values, memo, the allow-list,
// tensor bounds, and hostile input (underflow, bad memo, huge lengths, truncation, mutation).
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "common/error_text.h"
#include "io/pickle_machine.h"
#include "tensor/error.h"

namespace semisam::io {
namespace {

// A tiny assembler for pickle programs.
struct Program {
  std::string bytes;
  Program& op(uint8_t code) { bytes.push_back(char(code)); return *this; }
  Program& u8(uint8_t v) { return op(v); }
  Program& u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes.push_back(char((v >> (8 * i)) & 255));
    return *this;
  }
  Program& u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) bytes.push_back(char((v >> (8 * i)) & 255));
    return *this;
  }
  Program& proto(int p = 2) { return op(0x80).u8(uint8_t(p)); }
  Program& str(const std::string& s) { op('X').u32(uint32_t(s.size())); bytes += s; return *this; }
  Program& short_str(const std::string& s) { op(0x8c).u8(uint8_t(s.size())); bytes += s; return *this; }
  Program& int1(uint8_t v) { return op('K').u8(v); }
  Program& global(const std::string& module, const std::string& name) {
    op('c');
    bytes += module + "\n" + name + "\n";
    return *this;
  }
  Program& raw(const std::string& s) { bytes += s; return *this; }
  Program& stop() { return op('.'); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(bytes.data()); }
};

PickleValuePtr run(const Program& p, const PickleOptions& options = {},
                   const PersistentLoader& loader = nullptr) {
  return unpickle(p.data(), p.bytes.size(), "test.pkl", loader, options);
}

using semisam::test::error_of;

TEST(PickleMachine, BuildsDictsListsTuplesAndScalars) {
  Program p;
  p.proto().op('}').op('(');
  p.str("name").str("unet");
  p.str("epoch").int1(7);
  p.str("neg").op('J').u32(0xfffffffe);  // -2
  p.str("big").op(0x8a).u8(5).u32(0).u8(1);  // 2^32
  p.str("minus").op(0x8a).u8(1).u8(0xff);  // -1
  p.str("rate").op('G');
  for (uint8_t b : {0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}) p.u8(b);  // 0.1
  p.str("flags").op(0x88).op(0x89).op('N').op(0x87);
  p.str("list").op(']').op('(').int1(1).int1(2).op('e');
  p.op('u').stop();
  PickleValuePtr v = run(p);
  ASSERT_TRUE(v->is(PickleKind::Dict));
  const PickleDict& d = v->dict;
  ASSERT_EQ(d.size(), 8u);
  EXPECT_EQ((*d.find("name"))->text, "unet");
  EXPECT_EQ((*d.find("epoch"))->integer, 7);
  EXPECT_EQ((*d.find("neg"))->integer, -2);
  EXPECT_EQ((*d.find("big"))->integer, int64_t(1) << 32);
  EXPECT_EQ((*d.find("minus"))->integer, -1);
  EXPECT_DOUBLE_EQ((*d.find("rate"))->real, 0.1);
  const auto& flags = *d.find("flags");
  ASSERT_TRUE(flags->is(PickleKind::Tuple));
  ASSERT_EQ(flags->items.size(), 3u);
  EXPECT_TRUE(flags->items[0]->boolean);
  EXPECT_FALSE(flags->items[1]->boolean);
  EXPECT_TRUE(flags->items[2]->is(PickleKind::None));
  EXPECT_EQ((*d.find("list"))->items.size(), 2u);
  EXPECT_EQ(d.items()[0].first->text, "name");  // insertion order kept
}

TEST(PickleMachine, MemoSharesObjectsAndDuplicateKeysKeepFirstPosition) {
  Program p;
  p.proto(4).op(0x95).u64(0).op(']').op(0x94);  // list memoised as 0
  p.op(0x8f).op(0x94).op('0');                  // a set, memoised as 1, dropped
  p.op('}').op('(').short_str("a").int1(1).short_str("b").op('h').u8(0);
  p.short_str("a").int1(5).op('u');
  p.op(0x86).stop();
  PickleValuePtr v = run(p);
  ASSERT_TRUE(v->is(PickleKind::Tuple));
  const PickleDict& d = v->items[1]->dict;
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d.items()[0].first->text, "a");
  EXPECT_EQ(d.items()[0].second->integer, 5);
  EXPECT_EQ(d.items()[1].second.get(), v->items[0].get());  // BINGET returns the same object
}

TEST(PickleMachine, OrderedDictAndCodecsBytesAreAllowed) {
  Program p;
  p.proto().global("collections", "OrderedDict").op(')').op('R');
  p.op('(').str("k").global("_codecs", "encode").str("\xc3\xbf" "A").str("latin1").op(0x86).op('R');
  p.op('u').stop();
  PickleValuePtr v = run(p);
  ASSERT_TRUE(v->is(PickleKind::Dict));
  const auto& bytes = *v->dict.find("k");
  ASSERT_TRUE(bytes->is(PickleKind::Bytes));
  EXPECT_EQ(bytes->text, std::string("\xff" "A"));
}

TEST(PickleMachine, DisallowedGlobalIsRefusedByName) {
  Program p;
  p.proto().global("os", "system").str("echo pwned").op(0x85).op('R').stop();
  std::string message = error_of([&] { run(p); });
  EXPECT_NE(message.find("disallowed global 'os.system'"), std::string::npos) << message;
  EXPECT_NE(message.find("GLOBAL at byte 2"), std::string::npos) << message;

  Program q;  // the same through STACK_GLOBAL
  q.proto(4).short_str("builtins").short_str("eval").op(0x93).stop();
  message = error_of([&] { run(q); });
  EXPECT_NE(message.find("builtins.eval"), std::string::npos) << message;
}

TEST(PickleMachine, OpaqueModeRecordsButNeverRuns) {
  Program p;
  p.proto().global("argparse", "Namespace").op(')').op(0x81);
  p.op('}').str("lr").int1(1).op('s').op('b').stop();
  PickleOptions options;
  options.allow_opaque_objects = true;
  PickleValuePtr v = run(p, options);
  ASSERT_TRUE(v->is(PickleKind::Opaque));
  EXPECT_EQ(v->text, "argparse.Namespace");
  ASSERT_TRUE(v->state && v->state->is(PickleKind::Dict));
  EXPECT_EQ((*v->state->dict.find("lr"))->integer, 1);
  EXPECT_NE(describe(*v).find("argparse.Namespace"), std::string::npos);
}

PickleValuePtr fake_storage(const PickleValuePtr&, int64_t numel) {
  auto ref = std::make_shared<StorageRef>();
  ref->key = "0";
  ref->numel = numel;
  auto v = PickleValue::make(PickleKind::Storage);
  v->storage = ref;
  return v;
}

Program tensor_program(uint8_t offset, uint8_t rows, uint8_t cols, uint8_t s0, uint8_t s1) {
  Program p;
  p.proto().global("torch._utils", "_rebuild_tensor_v2").op('(');
  p.str("storage").op(0x85).op('Q');
  p.int1(offset).int1(rows).int1(cols).op(0x86).int1(s0).int1(s1).op(0x86).op(0x89);
  p.global("collections", "OrderedDict").op(')').op('R').op('t').op('R').stop();
  return p;
}

TEST(PickleMachine, RebuildsTensorReferencesWithinTheirStorage) {
  auto loader = [](const PickleValuePtr& pid) { return fake_storage(pid, 12); };
  PickleValuePtr v = run(tensor_program(2, 2, 5, 5, 1), {}, loader);
  ASSERT_TRUE(v->is(PickleKind::Tensor));
  EXPECT_EQ(v->tensor->storage_offset, 2);
  EXPECT_EQ(v->tensor->size, (std::vector<int64_t>{2, 5}));
  EXPECT_EQ(v->tensor->stride, (std::vector<int64_t>{5, 1}));
  // Offset 3 reaches element 12 of a 12-element storage.
  std::string message = error_of([&] { run(tensor_program(3, 2, 5, 5, 1), {}, loader); });
  EXPECT_NE(message.find("reaches element 12"), std::string::npos) << message;
  message = error_of([&] { run(tensor_program(2, 2, 5, 5, 1)); });
  EXPECT_NE(message.find("persistent"), std::string::npos) << message;
}

TEST(PickleMachine, HostileStreamsFailCleanly) {
  struct Case {
    Program program;
    const char* fragment;
  };
  std::vector<Case> cases;
  cases.push_back({Program().proto().op('0').stop(), "stack underflow"});
  cases.push_back({Program().proto().op('h').u8(3).stop(), "memo index 3 was never stored"});
  cases.push_back({Program().proto().op('X').u32(0xfffffff0u), "runs past the end"});
  cases.push_back({Program().proto().op(0x8d).u64(~uint64_t(0)), "runs past the end"});
  cases.push_back({Program().proto().op(0x95).u64(uint64_t(1) << 60), "frame"});
  cases.push_back({Program().proto().op('t').stop(), "no MARK"});
  cases.push_back({Program().proto().op('(').op('s').stop(), "stack underflow"});
  cases.push_back({Program().proto().op('N').op('u').stop(), "no MARK"});
  cases.push_back({Program().proto().op('N').op('(').int1(1).int1(2).op('u').stop(), "SETITEM"});
  cases.push_back({Program().proto(6).op('N').stop(), "protocol 6"});
  cases.push_back({Program().proto().op('N'), "without STOP"});
  cases.push_back({Program().proto().op('i').stop(), "(INST)"});
  cases.push_back({Program().proto().op(0xf0).stop(), "0xf0 (unknown) at byte 2"});
  cases.push_back({Program().proto().op('c').raw("os"), "truncated global"});
  cases.push_back({Program().proto().op('N').op(')').op('R').stop(), "cannot call"});
  cases.push_back({Program().proto().op('K'), "truncated"});
  cases.push_back({Program().stop(), "stack underflow"});
  for (auto& c : cases) {
    std::string message = error_of([&] { run(c.program); });
    EXPECT_NE(message.find(c.fragment), std::string::npos)
        << "expected '" << c.fragment << "', got: " << message;
    EXPECT_NE(message.find("test.pkl"), std::string::npos) << message;
  }
}

TEST(PickleMachine, DeepNestingIsFreedWithoutRecursion) {
  const int depth = 1000000;
  Program p;
  p.proto();
  for (int i = 0; i < depth; ++i) p.op(']');
  for (int i = 1; i < depth; ++i) p.op('a');  // each list goes into the one below it
  p.stop();
  PickleValuePtr v = run(p);
  const PickleValue* node = v.get();
  int levels = 1;
  while (!node->items.empty()) {
    node = node->items[0].get();
    ++levels;
  }
  EXPECT_EQ(levels, depth);
  v.reset();  // must not overflow the stack
}

// A list made by the persistent loader, so that the test keeps a weak reference to a value the
// pickle puts into a cycle: after the refusal it must be gone (a cycle would keep it alive).
struct WatchedList {
  std::weak_ptr<PickleValue> watched;
  PersistentLoader loader() {
    return [this](const PickleValuePtr&) {
      PickleValuePtr list = PickleValue::make(PickleKind::List);
      watched = list;
      return list;
    };
  }
};

TEST(PickleMachine, SelfContainingListIsRefusedAndFreed) {
  // The 9-byte stream \x80\x02]q\x00h\x00a. : a list appended to itself.
  const std::string nine = std::string("\x80\x02]q\x00h\x00", 7) + "a.";  // not "\x00a."
  std::string message =
      error_of([&] { unpickle(Program().raw(nine).data(), 9, "test.pkl", nullptr); });
  EXPECT_NE(message.find("contains itself"), std::string::npos) << message;
  EXPECT_NE(message.find("test.pkl"), std::string::npos) << message;

  WatchedList list;
  Program p;
  p.proto().op('N').op('Q').op('q').u8(0).op('h').u8(0).op('a').stop();
  message = error_of([&] { run(p, {}, list.loader()); });
  EXPECT_NE(message.find("contains itself"), std::string::npos) << message;
  EXPECT_TRUE(list.watched.expired()) << "the self-containing list leaked";
}

TEST(PickleMachine, IndirectCyclesAreRefusedAndFreed) {
  // list -> dict -> list, with the result itself acyclic (the cycle only sits in the memo).
  WatchedList list;
  Program p;
  p.proto().op('N').op('Q').op('q').u8(0);  // L (memo 0)
  p.op('}').op('q').u8(1);                  // D (memo 1)
  p.str("back").op('h').u8(0).op('s');      // D["back"] = L
  p.op('a');                                // L.append(D)
  p.op('0').op('N').stop();                 // drop L, return None
  std::string message = error_of([&] { run(p, {}, list.loader()); });
  EXPECT_NE(message.find("contains itself"), std::string::npos) << message;
  EXPECT_TRUE(list.watched.expired()) << "the list in a cycle leaked";

  // A tuple inside the list that holds the list: list -> tuple -> list.
  WatchedList list2;
  Program q;
  q.proto().op('N').op('Q').op('q').u8(0).op('h').u8(0).op(0x85).op('a').stop();
  message = error_of([&] { run(q, {}, list2.loader()); });
  EXPECT_NE(message.find("contains itself"), std::string::npos) << message;
  EXPECT_TRUE(list2.watched.expired());
}

TEST(PickleMachine, SharedButAcyclicValuesAreAccepted) {
  // One list referenced twice from another (a diamond, not a cycle) is what memo sharing gives.
  WatchedList list;
  Program p;
  p.proto().op(']').op('N').op('Q').op('q').u8(0).op('a').op('h').u8(0).op('a').stop();
  PickleValuePtr v = run(p, {}, list.loader());
  ASSERT_EQ(v->items.size(), 2u);
  EXPECT_EQ(v->items[0], v->items[1]);
  v.reset();
  EXPECT_TRUE(list.watched.expired());
}

TEST(PickleMachine, EveryByteMutationEitherParsesOrThrows) {
  auto loader = [](const PickleValuePtr& pid) { return fake_storage(pid, 12); };
  const Program good = tensor_program(2, 2, 5, 5, 1);
  PickleOptions options;
  options.allow_opaque_objects = true;
  for (size_t pos = 0; pos < good.bytes.size(); ++pos) {
    for (uint8_t flip : {0x01, 0x80, 0xff}) {
      Program bad = good;
      bad.bytes[pos] = char(uint8_t(bad.bytes[pos]) ^ flip);
      try {
        run(bad, options, loader);
      } catch (const Error&) {
      }
    }
    Program cut = good;
    cut.bytes.resize(pos);
    EXPECT_THROW(run(cut, options, loader), Error) << "cut at " << pos;
  }
}

}  // namespace
}  // namespace semisam::io

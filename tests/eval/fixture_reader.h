// Reads tests/data/metric_fixtures.bin (written by tests/fixtures/make_metric_fixtures.py):
// named uint8/float64 arrays, loaded once per test run.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace semisam::eval::testing {

struct FixtureArray {
  bool is_f64 = false;
  std::vector<int64_t> dims;
  std::vector<uint8_t> bytes;
};

class Fixtures {
 public:
  static const Fixtures& get() {
    static const Fixtures instance(std::string(SEMISAM_TEST_DATA_DIR) + "/metric_fixtures.bin");
    return instance;
  }

  const FixtureArray& at(const std::string& name) const {
    auto it = records_.find(name);
    SEMISAM_CHECK(it != records_.end(), "fixture record '", name, "' not found");
    return it->second;
  }
  bool has(const std::string& name) const { return records_.count(name) != 0; }

  // A uint8 record as a CPU tensor of its own shape.
  Tensor mask(const std::string& name) const {
    const FixtureArray& a = at(name);
    SEMISAM_CHECK(!a.is_f64, "fixture '", name, "' is not uint8");
    Tensor t = Tensor::empty(Shape(a.dims.begin(), a.dims.end()), DType::UInt8);
    if (!a.bytes.empty()) std::memcpy(t.data<uint8_t>(), a.bytes.data(), a.bytes.size());
    return t;
  }

  std::vector<double> f64(const std::string& name) const {
    const FixtureArray& a = at(name);
    SEMISAM_CHECK(a.is_f64, "fixture '", name, "' is not float64");
    std::vector<double> v(a.bytes.size() / sizeof(double));
    if (!v.empty()) std::memcpy(v.data(), a.bytes.data(), a.bytes.size());
    return v;
  }

  // A text record (uint8 bytes) split into lines.
  std::vector<std::string> lines(const std::string& name) const {
    const FixtureArray& a = at(name);
    std::istringstream in(std::string(a.bytes.begin(), a.bytes.end()));
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(line);
    return out;
  }

 private:
  explicit Fixtures(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    SEMISAM_CHECK(in.good(), "cannot open fixture file ", path,
                  " (run tests/fixtures/make_metric_fixtures.py)");
    std::string magic;
    std::getline(in, magic);
    SEMISAM_CHECK(magic == "SEMISAM-FIXTURES-1", "bad fixture magic in ", path);
    const uint32_t count = read<uint32_t>(in);
    for (uint32_t r = 0; r < count; ++r) {
      std::string name(read<uint32_t>(in), '\0');
      in.read(&name[0], std::streamsize(name.size()));
      FixtureArray a;
      a.is_f64 = read<uint8_t>(in) == 1;
      const uint32_t ndim = read<uint32_t>(in);
      int64_t numel = 1;
      for (uint32_t d = 0; d < ndim; ++d) {
        a.dims.push_back(read<int64_t>(in));
        numel *= a.dims.back();
      }
      a.bytes.resize(size_t(numel) * (a.is_f64 ? 8 : 1));
      in.read(reinterpret_cast<char*>(a.bytes.data()), std::streamsize(a.bytes.size()));
      SEMISAM_CHECK(in.good(), "truncated fixture file ", path, " at record ", name);
      records_[name] = std::move(a);
    }
  }

  template <typename T>
  static T read(std::istream& in) {  // the file is little endian, as is every target machine
    T v{};
    in.read(reinterpret_cast<char*>(&v), sizeof(T));
    return v;
  }

  std::map<std::string, FixtureArray> records_;
};

}  // namespace semisam::eval::testing

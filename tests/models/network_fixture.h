// Reading the PyTorch network fixtures (tests/fixtures/make_network_fixtures.py) and comparing
// parameter gradients with them.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "common/test_util.h"
#include "io/h5_file.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "layers/module.h"

namespace semisam::test {

inline std::string network_fixture(const std::string& name) {
  return std::string(SEMISAM_TEST_DATA_DIR) + "/networks/" + name;
}

// Every dataset of a group, by name, in the dtype the file stores.
inline std::vector<std::pair<std::string, Tensor>> read_group(const io::h5::File& file,
                                                              const std::string& group) {
  std::vector<std::pair<std::string, Tensor>> out;
  io::h5::Group g = file.root().open_group(group);
  for (const std::string& name : g.children()) out.emplace_back(name, g.open_dataset(name).read());
  return out;
}

inline const Tensor& find(const std::vector<std::pair<std::string, Tensor>>& named,
                          const std::string& name) {
  for (const auto& [n, t] : named)
    if (n == name) return t;
  throw Error("fixture has no tensor '" + name + "'");
}

inline Tensor read_f64(const io::h5::File& file, const std::string& name) {
  return file.root().open_dataset(name).read(DType::Float64);
}

// Norm of a tensor, in double.
inline double norm(const Tensor& t) {
  double s = 0;
  for (double v : ops::to_vector<double>(t)) s += v * v;
  return std::sqrt(s);
}

// Compares every parameter gradient of `model` with the fixture's `grads/` group. Gradients that
// are zero in exact arithmetic (conv biases followed by instance norm) are compared absolutely
// against `floor`; the others relatively.
inline void expect_gradients_match(const layers::Module& model, const io::h5::File& file,
                                   double rel_tol, double floor) {
  auto expected = read_group(file, "grads");
  ASSERT_EQ(expected.size(), model.named_parameters().size());
  for (const auto& [name, want] : expected) {
    ag::Variable p = model.parameter(name);
    ASSERT_TRUE(p.grad().defined()) << name << " received no gradient";
    Tensor got = ops::cast(p.grad(), DType::Float64);
    Tensor ref = ops::cast(want, DType::Float64);
    ASSERT_EQ(got.shape(), ref.shape()) << name;
    if (norm(ref) < floor) {
      Tensor diff = ops::cast(ops::sub(got, ref), DType::Float64);
      EXPECT_LT(norm(diff), floor) << name << " (expected a vanishing gradient)";
    } else {
      EXPECT_LT(relative_error(got, ref), rel_tol) << name;
    }
  }
}

}  // namespace semisam::test

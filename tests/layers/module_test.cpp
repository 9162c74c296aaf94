// Module: dotted parameter names in registration order, lookup, modes.
#include <gtest/gtest.h>

#include "layers/module.h"

namespace semisam {
namespace {

struct Leaf : layers::Module {
  Leaf() {
    register_parameter("weight", Tensor::zeros({2, 2}, DType::Float32));
    register_parameter("bias", Tensor::zeros({2}, DType::Float32));
  }
};

struct Tree : layers::Module {
  Tree() {
    register_parameter("scale", Tensor::zeros({1}, DType::Float32));
    register_module("conv1", std::make_shared<Leaf>());
    register_module("final", std::make_shared<Leaf>());
  }
};

TEST(Module, NamesFollowThePyTorchStateDict) {
  Tree tree;
  std::vector<std::string> names;
  for (auto& [name, var] : tree.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"scale", "conv1.weight", "conv1.bias", "final.weight",
                                             "final.bias"}));
  EXPECT_EQ(tree.parameter("final.bias").shape(), (Shape{2}));
  EXPECT_THROW(tree.parameter("final.gamma"), Error);
}

TEST(Module, ModePropagatesToChildren) {
  Tree tree;
  tree.eval();
  EXPECT_FALSE(tree.training());
  tree.train();
  EXPECT_TRUE(tree.training());
}

}  // namespace
}  // namespace semisam

// Parameter initialisers with PyTorch's formulas (torch.nn.init), drawn from our Philox
// Generator: the distributions match PyTorch, the individual numbers do not.
#pragma once

#include "tensor/generator.h"
#include "tensor/tensor.h"

namespace semisam::layers::init {

// fan_in of a weight [out, in, k...] (or [out, in]): in · Π k, as
// torch.nn.init._calculate_fan_in_and_fan_out.
int64_t fan_in(const Shape& weight_shape);

// U(−bound, bound).
void uniform_(const Tensor& t, Generator& gen, double bound);
// kaiming_uniform_(t, a, mode='fan_in', nonlinearity='leaky_relu'):
// U(±gain·√(3 / fan_in)) with gain = √(2 / (1 + a²)).
void kaiming_uniform_(const Tensor& weight, Generator& gen, double a);
// kaiming_normal_(t, a, mode='fan_in', nonlinearity='leaky_relu'): N(0, gain² / fan_in); with the
// default a = 0 that is std = √(2 / fan_in), the U-Net's initialisation (SPEC §2.1).
void kaiming_normal_(const Tensor& weight, Generator& gen, double a = 0.0);

// PyTorch's default for Conv*d and Linear (reset_parameters): weight kaiming_uniform_(a = √5),
// i.e. U(±1/√fan_in); then, when bias is defined, bias U(±1/√fan_in). Weight numbers are drawn
// before bias numbers.
void default_weight_and_bias_(const Tensor& weight, const Tensor& bias, Generator& gen);

}  // namespace semisam::layers::init

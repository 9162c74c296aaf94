// Differentiable dropout (elementwise) and channel dropout (Dropout3d: one decision per sample
// and channel of N,C,...). In training mode each call takes its decisions from the next stream
// elements of `gen` (x.numel() for dropout, N·C for channel dropout); in evaluation mode, or with
// p = 0, both are the identity and draw nothing.
#pragma once

#include "autograd/variable.h"
#include "tensor/generator.h"

namespace semisam::layers {

ag::Variable dropout(const ag::Variable& x, double p, bool training, Generator& gen);
ag::Variable channel_dropout(const ag::Variable& x, double p, bool training, Generator& gen);

}  // namespace semisam::layers

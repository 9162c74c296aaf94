// The loss terms shared by the backbones of SPEC §4.
#pragma once

#include "autograd/variable.h"

namespace semisam::ssl {

// 0.5·(CE + multi-class Dice) of logits [N, C, X, Y, Z] against integer labels [N, X, Y, Z]:
// the supervised term on ground truth and the pseudo-label term on pseudo-labels.
ag::Variable supervised_loss(const ag::Variable& logits, const Tensor& labels);
// mean((softmax(student) − softmax(teacher))²) over every element; the teacher is a constant.
ag::Variable softmax_mse(const ag::Variable& student_logits, const Tensor& teacher_logits);

}  // namespace semisam::ssl

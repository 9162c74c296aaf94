// The compute precision of matrix products and convolutions on CUDA: fp32 (no TF32), tf32 (the
// default, as PyTorch's cuDNN convolutions) or bf16 (operands rounded to bfloat16, float32
// accumulation). The CPU reference always computes in the operands' own type.
#pragma once

#include <string>

namespace semisam::ops {

enum class MathMode { FP32, TF32, BF16 };

MathMode math_mode();
void set_math_mode(MathMode mode);
MathMode parse_math_mode(const std::string& text);  // "fp32" | "tf32" | "bf16"
const char* math_mode_name(MathMode mode);

// Sets a mode for the lifetime of the guard.
class MathModeGuard {
 public:
  explicit MathModeGuard(MathMode mode) : previous_(math_mode()) { set_math_mode(mode); }
  ~MathModeGuard() { set_math_mode(previous_); }
  MathModeGuard(const MathModeGuard&) = delete;
  MathModeGuard& operator=(const MathModeGuard&) = delete;

 private:
  MathMode previous_;
};

}  // namespace semisam::ops

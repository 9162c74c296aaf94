// The process-wide compute precision setting.
#include "kernels/precision.h"

#include <atomic>

#include "tensor/error.h"

namespace semisam::ops {
namespace {
std::atomic<MathMode> current_mode{MathMode::TF32};
}

MathMode math_mode() { return current_mode.load(); }
void set_math_mode(MathMode mode) { current_mode.store(mode); }

MathMode parse_math_mode(const std::string& text) {
  if (text == "fp32") return MathMode::FP32;
  if (text == "tf32") return MathMode::TF32;
  if (text == "bf16") return MathMode::BF16;
  SEMISAM_FAIL("unknown precision '", text, "' (expected fp32, tf32 or bf16)");
}

const char* math_mode_name(MathMode mode) {
  switch (mode) {
    case MathMode::FP32: return "fp32";
    case MathMode::TF32: return "tf32";
    case MathMode::BF16: return "bf16";
  }
  return "unknown";
}

}  // namespace semisam::ops

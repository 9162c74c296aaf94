// SEMISAM_FAULT_AT (see fault_injection.h).
#include "io/fault_injection.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

namespace semisam::io {
namespace {

struct FaultPlan {
  std::string point;  // empty: no fault
  long hit = 1;       // which call of fault_point(point) kills
};

FaultPlan read_plan() {
  FaultPlan plan;
  const char* text = std::getenv("SEMISAM_FAULT_AT");
  if (text == nullptr) return plan;
  std::string value = text;
  const size_t colon = value.find(':');
  plan.point = value.substr(0, colon);
  if (colon != std::string::npos) plan.hit = std::atol(value.c_str() + colon + 1);
  return plan;
}

}  // namespace

void fault_point(const char* point) {
  static const FaultPlan plan = read_plan();
  static std::atomic<long> hits{0};
  if (plan.point.empty() || plan.point != point) return;
  if (hits.fetch_add(1) + 1 == plan.hit) ::kill(::getpid(), SIGKILL);
}

}  // namespace semisam::io

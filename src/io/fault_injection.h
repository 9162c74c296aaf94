// Test-only fault injection: lets a test kill a real run at a chosen moment, deterministically,
// to check that --resume recovers from a crash there. Inert unless SEMISAM_FAULT_AT is set.
#pragma once

namespace semisam::io {

// With SEMISAM_FAULT_AT=<point>[:<n>], the n-th call (default the first) of fault_point(<point>)
// in this process sends SIGKILL to the process itself: no handler, no cleanup, exactly like the
// OOM killer or a pulled plug. Points (tests/cli/fault_injection_test.sh uses each):
//   iteration         after a training step, before its records and files
//   validation        inside a validation, after its first case
//   refinement        between rounds, inside the refinement, after its first case
//   checkpoint_write  a checkpoint fully written to its temporary file, before the rename
// Nothing else reads the variable; an unset or empty one costs one getenv per process.
void fault_point(const char* point);

}  // namespace semisam::io

// <experiment>/progress.jsonl: one JSON object per line for every logged iteration, validation,
// pseudo-label set, finished round and interruption of a training run, for scripts and the report.
//
// JSON Lines rather than CSV because the rows differ in kind (an iteration's loss terms depend on
// the backbone, a validation carries one Dice per class), and because each line stands alone: a
// line cut short by a crash is recognisable and skipped, and appending never rewrites earlier rows.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace semisam::ssl {

std::string progress_path(const std::string& experiment_dir);

class ProgressRecord {
 public:
  // Opens `path` for appending (creating it). An empty path records nothing.
  explicit ProgressRecord(const std::string& path = "");
  ~ProgressRecord();
  ProgressRecord(const ProgressRecord&) = delete;
  ProgressRecord& operator=(const ProgressRecord&) = delete;

  // Appends `row` (an object, which must carry "type") as one line and flushes it.
  void append(const nlohmann::json& row);

  // Empties the file: a new run starts its record afresh.
  void clear();

  // The record of a run resumed from a state at (`round`, `iteration`): rows that the resumed run
  // will write again — rows of a later round, or of this round after `iteration` — are removed
  // (atomically), so the record never holds an iteration twice. Rows without an iteration (e.g.
  // the pseudo-labels a round starts from) count as iteration 0 of their round.
  void truncate_after(int64_t round, int64_t iteration);

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

// Every complete row of a progress file, in order (a last line cut short by a crash is skipped;
// a damaged line elsewhere throws naming the file and the line). A missing file has no rows.
std::vector<nlohmann::json> read_progress(const std::string& path);

}  // namespace semisam::ssl

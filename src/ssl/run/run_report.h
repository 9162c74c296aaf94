// <experiment>/report.html: one page (inline SVG, no scripts, no network) built from the run's
// records — config.json, progress.jsonl and, after `semisam test`, summary.json and the PNG slice
// previews it links — so it can be rebuilt at any time.
#pragma once

#include <string>

namespace semisam::ssl {

std::string report_path(const std::string& experiment_dir);

// What `semisam test` leaves in the folder of the model it tested, and the report shows: the
// metrics (summary.json) and the slice previews with their listing, relative to the folder.
inline const std::string kTestSummary = "summary.json";
inline const std::string kPreviewFolder = "test_previews";
inline const std::string kPreviewListing = "test_previews/previews.json";

// The page's HTML from the records in `experiment_dir`: status and latest ETA, a table of the
// rounds (best validation Dice per class, pseudo-label quality), the test of the final model when
// one was run (per-class mean ± std, per-case Dice, slice previews), per round the loss curves and
// the validation Dice per class, the stops and resumes, and the settings.
std::string run_report_html(const std::string& experiment_dir);

// Writes run_report_html atomically to report_path.
void write_run_report(const std::string& experiment_dir);

}  // namespace semisam::ssl

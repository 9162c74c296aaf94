// <experiment>/report.html: one self-contained page (inline SVG, no scripts, no network) built
// from the run's records — config.json and progress.jsonl — so it can be rebuilt at any time.
#pragma once

#include <string>

namespace semisam::ssl {

std::string report_path(const std::string& experiment_dir);

// The page's HTML from the records in `experiment_dir`: status and latest ETA, a table of the
// rounds (best validation Dice per class, pseudo-label quality), per round the loss curves and
// the validation Dice per class, the stops and resumes, and the settings.
std::string run_report_html(const std::string& experiment_dir);

// Writes run_report_html atomically to report_path.
void write_run_report(const std::string& experiment_dir);

}  // namespace semisam::ssl

// The append-only JSON Lines progress record and its truncation on resume.
#include "ssl/run/progress_record.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "io/atomic_file.h"
#include "tensor/error.h"

namespace semisam::ssl {
namespace {

std::FILE* open_for_append(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  std::FILE* file = std::fopen(path.c_str(), "a");
  SEMISAM_CHECK(file != nullptr, "cannot open the progress record ", path,
                " for appending: ", std::strerror(errno));
  return file;
}

}  // namespace

std::string progress_path(const std::string& experiment_dir) {
  return experiment_dir + "/progress.jsonl";
}

ProgressRecord::ProgressRecord(const std::string& path) : path_(path) {
  if (!path_.empty()) file_ = open_for_append(path_);
}

ProgressRecord::~ProgressRecord() {
  if (file_) std::fclose(file_);
}

void ProgressRecord::append(const nlohmann::json& row) {
  SEMISAM_CHECK(row.is_object() && row.contains("type"), "progress rows are objects with a "
                "\"type\", got ", row.dump());
  if (!file_) return;
  // One fwrite of the whole line, then a flush: a crash leaves at most one partial last line.
  const std::string line = row.dump() + "\n";
  const size_t written = std::fwrite(line.data(), 1, line.size(), file_);
  SEMISAM_CHECK(written == line.size() && std::fflush(file_) == 0, "cannot append to ", path_,
                ": ", std::strerror(errno));
}

void ProgressRecord::clear() {
  if (!file_) return;
  std::fclose(file_);
  file_ = nullptr;
  io::write_text_atomically(path_, "");
  file_ = open_for_append(path_);
}

void ProgressRecord::truncate_after(int64_t round, int64_t iteration) {
  if (!file_) return;
  std::string kept;
  for (const nlohmann::json& row : read_progress(path_)) {
    const int64_t r = row.value("round", int64_t(0));
    const int64_t i = row.value("iteration", int64_t(0));
    if (r < round || (r == round && i <= iteration)) kept += row.dump() + "\n";
  }
  std::fclose(file_);
  file_ = nullptr;
  io::write_text_atomically(path_, kept);
  file_ = open_for_append(path_);
}

std::vector<nlohmann::json> read_progress(const std::string& path) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(path);
  if (!in) return rows;
  std::string line;
  int64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const bool last = in.peek() == std::char_traits<char>::eof();
    nlohmann::json row = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (row.is_discarded()) {
      // Only the last line can be cut short by a crash mid-write; anything else is damage.
      SEMISAM_CHECK(last, path, " line ", number, " is not valid JSON: ", line.substr(0, 80));
      break;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace semisam::ssl

// Finding prediction inputs and cutting them into shards.
#include "ssl/inference/prediction_inputs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "io/case_name.h"
#include "io/nifti_dataset.h"
#include "tensor/error.h"

namespace semisam::ssl {
namespace fs = std::filesystem;
namespace {

bool is_image(const std::string& path) { return io::is_nifti_path(path) || io::is_hdf5_path(path); }

std::string trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r\n"), end = s.find_last_not_of(" \t\r\n");
  return begin == std::string::npos ? "" : s.substr(begin, end - begin + 1);
}

}  // namespace

std::vector<PredictionInput> find_prediction_inputs(const std::string& input) {
  SEMISAM_CHECK(fs::exists(input), "--input ", input, ": no such file or folder");
  std::vector<std::string> paths;
  if (fs::is_directory(input)) {
    for (const auto& entry : fs::directory_iterator(input)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && name[0] != '.' && is_image(name))
        paths.push_back(entry.path().string());
    }
    SEMISAM_CHECK(!paths.empty(), "--input ", input, ": the folder holds no NIfTI (.nii.gz, "
                  ".nii) or HDF5 (.h5) images");
  } else if (is_image(input)) {
    paths.push_back(input);
  } else {
    std::ifstream list(input);
    SEMISAM_CHECK(list.good(), "--input ", input, ": cannot read the list");
    std::string line;
    int line_number = 0;
    while (std::getline(list, line)) {
      ++line_number;
      line = trim(line);
      if (line.empty() || line[0] == '#') continue;
      fs::path path(line);
      if (path.is_relative()) path = fs::path(input).parent_path() / path;
      SEMISAM_CHECK(is_image(path.string()), input, ":", line_number, ": '", line,
                    "' is not a NIfTI (.nii.gz, .nii) or HDF5 (.h5) image; a list holds one "
                    "image path per line");
      io::check_case_name(io::case_name_of(path.string()),
                          input + ":" + std::to_string(line_number));
      paths.push_back(path.string());
    }
    SEMISAM_CHECK(!paths.empty(), "--input ", input, ": the list names no image");
  }
  std::map<std::string, std::string> by_name;
  for (const std::string& path : paths) {
    io::check_case_name(io::case_name_of(path), path);
    auto [it, fresh] = by_name.emplace(io::case_name_of(path), path);
    SEMISAM_CHECK(fresh, "case '", it->first, "' has two inputs: ", it->second, " and ", path);
  }
  // <case>_0001 beside <case>_0000 is a second channel; alone it is just a case name.
  for (const auto& [name, path] : by_name) {
    if (!io::is_nifti_path(path)) continue;
    const bool channel_suffix =
        name.size() > 5 && name[name.size() - 5] == '_' &&
        std::all_of(name.end() - 4, name.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (channel_suffix && by_name.count(name.substr(0, name.size() - 5)))
      SEMISAM_FAIL(path, ": channel ", name.substr(name.size() - 4), " of case '",
                   name.substr(0, name.size() - 5), "'; semisam segments single-channel scans "
                   "(only <case>_0000 is read)");
  }
  std::vector<PredictionInput> inputs;
  for (const auto& [name, path] : by_name) inputs.push_back({name, path});
  return inputs;
}

Shard parse_shard(const std::string& text) {
  Shard shard;
  size_t slash = text.find('/');
  bool ok = slash != std::string::npos;
  if (ok) {
    try {
      size_t used_i = 0, used_n = 0;
      shard.index = std::stoll(text.substr(0, slash), &used_i);
      shard.count = std::stoll(text.substr(slash + 1), &used_n);
      ok = used_i == slash && used_n == text.size() - slash - 1;
    } catch (const std::exception&) {
      ok = false;
    }
  }
  SEMISAM_CHECK(ok && shard.count >= 1 && shard.index >= 0 && shard.index < shard.count,
                "--shard '", text, "': expected i/n with 0 <= i < n (e.g. 0/4 … 3/4, or "
                "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)");
  return shard;
}

std::vector<PredictionInput> select_shard(const std::vector<PredictionInput>& inputs, Shard shard) {
  std::vector<PredictionInput> selected;
  for (size_t k = 0; k < inputs.size(); ++k)
    if (int64_t(k) % shard.count == shard.index) selected.push_back(inputs[k]);
  return selected;
}

}  // namespace semisam::ssl

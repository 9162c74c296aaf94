// What a benchmark result must record about where it ran: device name, driver and runtime, cuDNN
// version, commit and date, plus a small JSON writer and a median helper.
#pragma once

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/device.h"
#if SEMISAM_HAS_CUDA
#include <cuda_runtime.h>
#include <cudnn.h>
#endif

namespace semisam::bench {

inline std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Key/value facts about the machine, for the JSON and the table header.
inline std::map<std::string, std::string> environment(Device device) {
  std::map<std::string, std::string> env;
  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  env["date"] = date;
  const char* commit = std::getenv("SEMISAM_COMMIT");
  env["commit"] = commit ? commit : SEMISAM_GIT_COMMIT;
  env["device"] = device.str();
#if SEMISAM_HAS_CUDA
  if (device.is_cuda()) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, device.index) == cudaSuccess) env["gpu"] = prop.name;
    int driver = 0, runtime = 0;
    cudaDriverGetVersion(&driver);
    cudaRuntimeGetVersion(&runtime);
    env["cuda_driver"] = std::to_string(driver);
    env["cuda_runtime"] = std::to_string(runtime);
    env["cudnn"] = std::to_string(cudnnGetVersion());
  }
#endif
  if (!env.count("gpu")) env["gpu"] = "none (CPU run)";
  return env;
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Writes {"environment": {...}, "results": [{...}, ...]} where every result is a flat map.
inline void write_json(const std::string& path, const std::map<std::string, std::string>& env,
                       const std::vector<std::map<std::string, std::string>>& results) {
  std::ostringstream out;
  out << "{\n  \"environment\": {";
  bool first = true;
  for (auto& [k, v] : env) {
    out << (first ? "\n" : ",\n") << "    \"" << json_escape(k) << "\": \"" << json_escape(v) << "\"";
    first = false;
  }
  out << "\n  },\n  \"results\": [";
  for (size_t i = 0; i < results.size(); ++i) {
    out << (i ? ",\n" : "\n") << "    {";
    bool f = true;
    for (auto& [k, v] : results[i]) {
      out << (f ? "" : ", ") << "\"" << json_escape(k) << "\": \"" << json_escape(v) << "\"";
      f = false;
    }
    out << "}";
  }
  out << "\n  ]\n}\n";
  std::string tmp = path + ".tmp";
  std::ofstream(tmp) << out.str();
  std::rename(tmp.c_str(), path.c_str());
}

}  // namespace semisam::bench

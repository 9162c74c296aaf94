// Benchmark of src/eval: distance transform, surfaces, HD95 + ASD and the DTC signed distance map
// on 160×160×96 masks (the size of a left-atrium test case), CPU and, where present, CUDA.
// Usage: metrics_bench [--out DIR] [--repeats N]; writes DIR/metrics_<device>.json.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#if SEMISAM_HAS_CUDA
#include <cuda_runtime.h>
#endif

#include "bench_masks.h"
#include "eval/binary_metrics.h"
#include "eval/class_metrics.h"
#include "eval/edt.h"
#include "eval/signed_distance.h"
#include "eval/surface.h"
#include "tensor/device.h"
#include "tensor/memory.h"
#include "tensor/tensor.h"

using namespace semisam;
using namespace semisam::eval;

namespace {

Tensor to_device(const Tensor& t, Device device) {
  Tensor out = Tensor::empty(t.shape(), t.dtype(), device);
  copy_bytes(out.data_ptr(), device, t.data_ptr(), t.device(), t.nbytes());
  return out;
}

// Median wall time in milliseconds of `repeats` runs after one warm-up run.
double median_ms(const std::function<void()>& fn, Device device, int repeats) {
  fn();
  synchronize(device);
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    synchronize(device);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

std::string first_line_with(const char* path, const std::string& key) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) {
      const size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  return "unknown";
}

std::string git_commit() {
  std::ifstream head(".git/HEAD");
  std::string ref;
  std::getline(head, ref);
  if (ref.rfind("ref: ", 0) == 0) {
    std::ifstream file(".git/" + ref.substr(5));
    std::string commit;
    if (std::getline(file, commit)) return commit;
  }
  return ref.empty() ? "unknown" : ref;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

std::string gpu_description(Device device) {
  if (!device.is_cuda()) return "none";
#if SEMISAM_HAS_CUDA
  cudaDeviceProp prop{};
  int driver = 0, runtime = 0;
  cudaGetDeviceProperties(&prop, device.index);
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  std::ostringstream s;
  s << prop.name << ", driver " << driver << ", runtime " << runtime;
  return s.str();
#else
  return "none";
#endif
}

struct Row {
  std::string name;
  double ms;
};

}  // namespace

int main(int argc, char** argv) {
  std::string out_dir = "bench/results";
  int repeats = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--out") out_dir = argv[i + 1];
    else if (flag == "--repeats") repeats = std::max(1, std::atoi(argv[i + 1]));
  }
  const Shape shape{160, 160, 96};
  const Spacing spacing{0.625, 0.625, 0.625};
  const Tensor pred_cpu = bench::blob_mask(shape, 0.0, 0.0),
               ref_cpu = bench::blob_mask(shape, 2.5, 0.6);
  int64_t fg = 0;
  for (int64_t i = 0; i < pred_cpu.numel(); ++i) fg += pred_cpu.data<uint8_t>()[i];

  std::vector<Device> devices{Device::cpu()};
  if (cuda_available()) devices.push_back(Device::cuda(0));
  for (const Device device : devices) {
    const Tensor pred = to_device(pred_cpu, device), ref = to_device(ref_cpu, device);
    const Tensor sdf_mask = pred.view({1, 160, 160, 96});
    BinaryMetrics m;
    std::vector<Row> rows;
    rows.push_back({"surface_voxels (1 mask)", median_ms([&] { surface_voxels(pred); }, device, repeats)});
    rows.push_back({"distance_transform_edt (1 mask)",
                    median_ms([&] { distance_transform_edt(pred, spacing); }, device, repeats)});
    rows.push_back({"binary_metrics: dice+jc+hd95+asd",
                    median_ms([&] { m = binary_metrics(pred, ref, spacing); }, device, repeats)});
    rows.push_back({"hd95 alone", median_ms([&] { hd95(pred, ref, spacing); }, device, repeats)});
    rows.push_back({"asd alone", median_ms([&] { asd(pred, ref, spacing); }, device, repeats)});
    rows.push_back({"evaluate_classes (2 classes, test report)",
                    median_ms([&] { evaluate_classes(pred, ref, 2, EmptyMaskPolicy::TestReport, spacing); },
                              device, repeats)});
    rows.push_back({"signed_distance_map (1 sample, float32)",
                    median_ms([&] { signed_distance_map(sdf_mask); }, device, repeats)});

    std::printf("\nsrc/eval on %s, masks %lldx%lldx%lld (%lld foreground voxels), median of %d\n",
                device.str().c_str(), (long long)shape[0], (long long)shape[1],
                (long long)shape[2], (long long)fg, repeats);
    std::printf("%-44s %12s\n", "operation", "ms");
    for (const Row& r : rows) std::printf("%-44s %12.2f\n", r.name.c_str(), r.ms);
    std::printf("metrics: dice %.15g  jaccard %.15g  hd95 %.15g mm  asd %.15g mm\n", m.dice, m.jaccard,
                m.hd95, m.asd);

    const std::string kind = device.is_cpu() ? "cpu" : "cuda";
    std::ostringstream json;
    json.precision(15);
    json << "{\n  \"benchmark\": \"metrics_bench\",\n  \"device\": \"" << device.str() << "\",\n"
         << "  \"machine\": {\"cpu\": \"" << first_line_with("/proc/cpuinfo", "model name")
         << "\", \"logical_cpus\": " << std::thread::hardware_concurrency()
         << ", \"threads_used\": 1, \"gpu\": \"" << gpu_description(device) << "\"},\n"
         << "  \"date_utc\": \"" << utc_now() << "\",\n  \"commit\": \"" << git_commit() << "\",\n"
         << "  \"shape\": [160, 160, 96],\n  \"spacing_mm\": [0.625, 0.625, 0.625],\n"
         << "  \"repeats\": " << repeats << ",\n  \"median_ms\": {\n";
    for (size_t i = 0; i < rows.size(); ++i)
      json << "    \"" << rows[i].name << "\": " << rows[i].ms << (i + 1 < rows.size() ? ",\n" : "\n");
    json << "  },\n  \"metrics\": {\"dice\": " << m.dice << ", \"jaccard\": " << m.jaccard
         << ", \"hd95_mm\": " << m.hd95 << ", \"asd_mm\": " << m.asd << "}\n}\n";
    const std::string path = out_dir + "/metrics_" + kind + ".json";
    std::ofstream(path) << json.str();
    std::printf("wrote %s\n", path.c_str());
  }
  return 0;
}

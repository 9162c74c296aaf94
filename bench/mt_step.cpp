// Times one Mean-Teacher iteration of SPEC §4 (student forward + backward on batch 2, teacher
// forward on the noisy unlabelled case, CE + Dice + consistency + pseudo-label losses, SGD step,
// EMA update) and compares it with the PyTorch reference (118 ms, 5.9 GiB peak on an H100).
// Usage: mt_step [--device cuda|cpu] [--size 128] [--iters 20] [--warmup 3]
//                [--precision tf32|fp32|bf16 (comma list)] [--base-filters 16] [--out FILE]
// The JSON is rewritten after each precision; one that fails is recorded with its error, the
// others still run, and the exit status is 1.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "bench_env.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/precision.h"
#include "kernels/random.h"
#include "ssl/training/mean_teacher.h"
#include "tensor/memory.h"

using namespace semisam;

namespace {

struct Args {
  std::string device = "cuda", precisions = "tf32,bf16", out;
  int64_t size = 128, iters = 20, warmup = 3, base_filters = 16;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw Error("missing value after " + k);
      return argv[++i];
    };
    if (k == "--device") a.device = next();
    else if (k == "--size") a.size = std::stoll(next());
    else if (k == "--iters") a.iters = std::stoll(next());
    else if (k == "--warmup") a.warmup = std::stoll(next());
    else if (k == "--precision") a.precisions = next();
    else if (k == "--base-filters") a.base_filters = std::stoll(next());
    else if (k == "--out") a.out = next();
    else throw Error("unknown argument " + k);
  }
  return a;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  Args args = parse(argc, argv);
  Device device = parse_device(args.device);
  auto env = bench::environment(device);
  std::vector<std::map<std::string, std::string>> results;
  std::printf("Mean-Teacher iteration, batch 2 (1 labelled + 1 unlabelled), %lld^3, base filters %lld, %s (%s)\n",
              (long long)args.size, (long long)args.base_filters, device.str().c_str(), env["gpu"].c_str());
  std::printf("%-10s %12s %12s %12s %14s %16s\n", "precision", "median ms", "min ms", "max ms",
              "peak GiB", "PyTorch 118 ms ×");
  std::string out = args.out.empty() ? "bench/results/mt_step_" + device.str() + ".json" : args.out;
  for (char& c : out)
    if (c == ':') c = '_';
  bool any_failed = false;
  for (const std::string& precision : split(args.precisions)) try {
    ops::MathModeGuard mode(ops::parse_math_mode(precision));
    ssl::MeanTeacherOptions options;
    options.network.base_filters = args.base_filters;
    options.device = device;
    options.max_iterations = 15000;
    ssl::MeanTeacher mt(options);
    Generator data_gen(5);
    Tensor images = Tensor::empty({2, 1, args.size, args.size, args.size}, DType::Float32, device);
    ops::normal_(images, data_gen);
    Tensor labels = ops::to_device(
        ops::cast(ops::compare_scalar(ops::CompareOp::Gt,
                                      ops::to_device(images, Device::cpu()).view({2, args.size, args.size, args.size}), 0.5),
                  DType::UInt8),
        device);
    for (int64_t i = 0; i < args.warmup; ++i) mt.step(images, labels, i);
    synchronize(device);
    reset_peak_memory(device);
    std::vector<double> ms;
    for (int64_t i = 0; i < args.iters; ++i) {
      auto start = std::chrono::steady_clock::now();
      mt.step(images, labels, args.warmup + i);
      synchronize(device);
      ms.push_back(1000.0 * bench::seconds_since(start));
    }
    double med = bench::median(ms);
    double peak_gib = double(memory_stats(device).peak_bytes) / double(1ull << 30);
    // The PyTorch figure is for the reference configuration only.
    bool comparable = device.is_cuda() && args.size == 128 && args.base_filters == 16;
    std::string ratio = comparable ? std::to_string(118.39 / med) : "n/a";
    std::printf("%-10s %12.2f %12.2f %12.2f %14.2f %16s\n", precision.c_str(), med,
                *std::min_element(ms.begin(), ms.end()), *std::max_element(ms.begin(), ms.end()),
                peak_gib, ratio.c_str());
    results.push_back({{"precision", precision},
                       {"size", std::to_string(args.size)},
                       {"base_filters", std::to_string(args.base_filters)},
                       {"iterations", std::to_string(args.iters)},
                       {"median_ms", std::to_string(med)},
                       {"peak_gib", std::to_string(peak_gib)},
                       {"speedup_vs_pytorch_118ms", ratio}});
    // Written after every precision, so a later failure (or a hang killed by a timeout) keeps the
    // figures already measured.
    bench::write_json(out, env, results);
  } catch (const std::exception& e) {
    any_failed = true;
    std::printf("%-10s failed: %s\n", precision.c_str(), e.what());
    results.push_back({{"precision", precision}, {"error", e.what()}});
    bench::write_json(out, env, results);
  }
  std::printf("wrote %s\n", out.c_str());
  return any_failed ? 1 : 0;
} catch (const std::exception& e) {
  std::cerr << "mt_step: " << e.what() << "\n";
  return 1;
}

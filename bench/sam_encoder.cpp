// Times the SAM-Med3D vit_b_ori image encoder on one 128³ volume (forward only, as feature
// extraction runs it) against PyTorch's 31.5 ms (tf32) and 24.9 ms (bf16) on an H100
// (../shared/reference/pytorch-h100-baseline.json). Random weights: speed does not depend on them.
// Usage: sam_encoder [--device cuda|cpu] [--encoder vit_b_ori|tiny] [--iters 20] [--warmup 3]
//                    [--precision tf32,bf16,fp32] [--out FILE]
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "bench_env.h"
#include "kernels/precision.h"
#include "kernels/random.h"
#include "models/sam_encoder.h"
#include "tensor/memory.h"

using namespace semisam;

int main(int argc, char** argv) try {
  std::map<std::string, std::string> args{{"--device", "cuda"}, {"--encoder", "vit_b_ori"},
                                          {"--iters", "20"},     {"--warmup", "3"},
                                          {"--precision", "tf32,bf16,fp32"}, {"--out", ""}};
  for (int i = 1; i < argc; i += 2) {
    SEMISAM_CHECK(args.count(argv[i]) && i + 1 < argc, "sam_encoder: unknown or incomplete ",
                  "argument '", argv[i], "'");
    args[argv[i]] = argv[i + 1];
  }
  const Device device = parse_device(args["--device"]);
  const bool full = args["--encoder"] == "vit_b_ori";
  SEMISAM_CHECK(full || args["--encoder"] == "tiny", "sam_encoder: unknown --encoder ",
                args["--encoder"]);
  const int64_t iters = std::stoll(args["--iters"]), warmup = std::stoll(args["--warmup"]);
  const std::map<std::string, double> pytorch_ms{{"tf32", 31.5}, {"bf16", 24.9}};

  models::SamEncoderOptions options = full ? models::sam_vit_b_ori() : models::sam_tiny_options();
  Generator gen(1);
  models::SamImageEncoder encoder(options, gen);
  encoder.to(device);
  Tensor volume = Tensor::empty({1, 1, options.img_size, options.img_size, options.img_size},
                                DType::Float32, device);
  ops::normal_(volume, gen);

  auto env = bench::environment(device);
  std::vector<std::map<std::string, std::string>> results;
  std::printf("SAM-Med3D %s encoder, one %lld^3 volume, %s (%s)\n", args["--encoder"].c_str(),
              (long long)options.img_size, device.str().c_str(), env["gpu"].c_str());
  std::printf("%-10s %12s %12s %12s %16s\n", "precision", "median ms", "min ms", "peak GiB",
              "PyTorch ms (×)");
  std::stringstream list(args["--precision"]);
  for (std::string precision; std::getline(list, precision, ',');) {
    ops::MathModeGuard mode(ops::parse_math_mode(precision));
    for (int64_t i = 0; i < warmup; ++i) encoder.forward(volume);
    synchronize(device);
    reset_peak_memory(device);
    std::vector<double> ms;
    for (int64_t i = 0; i < iters; ++i) {
      auto start = std::chrono::steady_clock::now();
      encoder.forward(volume);
      synchronize(device);
      ms.push_back(1000.0 * bench::seconds_since(start));
    }
    const double med = bench::median(ms);
    const double peak_gib = double(memory_stats(device).peak_bytes) / double(1ull << 30);
    // PyTorch's figures are for vit_b_ori on an H100 only.
    std::string reference = "n/a";
    if (full && device.is_cuda() && pytorch_ms.count(precision)) {
      double ref = pytorch_ms.at(precision);
      reference = std::to_string(ref) + " (" + std::to_string(ref / med) + ")";
    }
    std::printf("%-10s %12.2f %12.2f %12.2f %16s\n", precision.c_str(), med,
                *std::min_element(ms.begin(), ms.end()), peak_gib, reference.c_str());
    results.push_back({{"precision", precision}, {"encoder", args["--encoder"]},
                       {"iterations", std::to_string(iters)}, {"median_ms", std::to_string(med)},
                       {"peak_gib", std::to_string(peak_gib)}, {"pytorch_ms_and_speedup", reference}});
  }
  std::string out = args["--out"].empty() ? "bench/results/sam_encoder_" + device.str() + ".json"
                                          : args["--out"];
  for (char& c : out)
    if (c == ':') c = '_';
  bench::write_json(out, env, results);
  std::printf("wrote %s\n", out.c_str());
  return 0;
} catch (const std::exception& e) {
  std::cerr << "sam_encoder: " << e.what() << "\n";
  return 1;
}

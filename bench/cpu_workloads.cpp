// semisam's side of bench/cpu_vs_pytorch.sh: runs one workload of the CPU comparison `--iters`
// times after `--warmup` runs and prints one JSON line (per-run milliseconds, peak resident
// memory). bench/cpu_workloads_torch.py runs the same workloads in PyTorch with the same options.
// Workloads (issue 11's table):
//   mt_w8_32     one Mean-Teacher iteration, U-Net width 8, 32³ patches, batch 2
//   mt_w16_64    the same at width 16, 64³
//   unet_fwd_128 U-Net forward (eval mode, no gradients), width 16, one 1×1×128³ tile
//   sam_vit_b    SAM-Med3D vit_b_ori image encoder, one 128³ volume (random weights)
//   metrics_160  Dice + Jaccard + HD95 + ASD of two 160×160×96 masks
// Usage: cpu_workloads --workload NAME [--iters 3] [--warmup 1] [--threads N]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "autograd/variable.h"
#include "bench_masks.h"
#include "eval/class_metrics.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/random.h"
#include "models/sam_encoder.h"
#include "models/unet3d.h"
#include "ssl/training/mean_teacher.h"
#include "tensor/parallel.h"

using namespace semisam;

namespace {

using Workload = std::function<void(int64_t)>;  // runs iteration i

Workload mean_teacher(int64_t width, int64_t size) {
  ssl::MeanTeacherOptions options;
  options.network.base_filters = width;
  options.max_iterations = 15000;
  auto mt = std::make_shared<ssl::MeanTeacher>(options);
  Generator data_gen(5);
  Tensor images = Tensor::empty({2, 1, size, size, size}, DType::Float32);
  ops::normal_(images, data_gen);
  Tensor labels =
      ops::cast(ops::compare_scalar(ops::CompareOp::Gt, images.view({2, size, size, size}), 0.5),
                DType::UInt8);
  return [mt, images, labels](int64_t i) { mt->step(images, labels, i); };
}

Workload unet_forward(int64_t width, int64_t size) {
  models::UNet3DOptions options;
  options.base_filters = width;
  Generator init(1);
  auto net = std::make_shared<models::UNet3D>(options, init);
  net->eval();
  Tensor x = Tensor::empty({1, 1, size, size, size}, DType::Float32);
  ops::normal_(x, init);
  return [net, x](int64_t) {
    ag::NoGradGuard no_grad;
    Generator unused(0);
    net->forward(ag::Variable(x), unused);
  };
}

Workload sam_encoder() {
  Generator gen(1);
  auto encoder = std::make_shared<models::SamImageEncoder>(models::sam_vit_b_ori(), gen);
  const int64_t s = models::sam_vit_b_ori().img_size;
  Tensor volume = Tensor::empty({1, 1, s, s, s}, DType::Float32);
  ops::normal_(volume, gen);
  return [encoder, volume](int64_t) { encoder->forward(volume); };
}

Workload metrics() {
  const Shape shape{160, 160, 96};
  Tensor pred = bench::blob_mask(shape, 0.0, 0.0), ref = bench::blob_mask(shape, 2.5, 0.6);
  return
      [pred, ref](int64_t) { eval::evaluate_binary(pred, ref, eval::EmptyMaskPolicy::TestReport); };
}

}  // namespace

int main(int argc, char** argv) try {
  std::map<std::string, std::string> args{
      {"--workload", ""}, {"--iters", "3"}, {"--warmup", "1"}, {"--threads", ""}};
  for (int i = 1; i + 1 < argc; i += 2) {
    SEMISAM_CHECK(args.count(argv[i]), "cpu_workloads: unknown argument ", argv[i]);
    args[argv[i]] = argv[i + 1];
  }
  if (!args["--threads"].empty()) set_cpu_threads(std::stoi(args["--threads"]));
  const std::string name = args["--workload"];
  Workload run;
  if (name == "mt_w8_32")
    run = mean_teacher(8, 32);
  else if (name == "mt_w16_64")
    run = mean_teacher(16, 64);
  else if (name == "unet_fwd_128")
    run = unet_forward(16, 128);
  else if (name == "sam_vit_b")
    run = sam_encoder();
  else if (name == "metrics_160")
    run = metrics();
  else
    SEMISAM_FAIL("cpu_workloads: unknown --workload '", name,
                 "' (mt_w8_32, mt_w16_64, unet_fwd_128, sam_vit_b, metrics_160)");
  const int64_t warmup = std::stoll(args["--warmup"]), iters = std::stoll(args["--iters"]);
  for (int64_t i = 0; i < warmup; ++i) run(i);
  std::vector<double> ms;
  for (int64_t i = 0; i < iters; ++i) {
    auto start = std::chrono::steady_clock::now();
    run(warmup + i);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("{\"side\": \"semisam\", \"workload\": \"%s\", \"threads\": %d, \"times_ms\": [",
              name.c_str(), cpu_threads());
  for (size_t i = 0; i < ms.size(); ++i) std::printf("%s%.3f", i ? ", " : "", ms[i]);
  std::printf("], \"peak_rss_mib\": %.1f}\n", double(usage.ru_maxrss) / 1024.0);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "cpu_workloads: %s\n", e.what());
  return 1;
}

// Times the method's own step between training rounds (issue 16) before and after fusing it:
// the sliding window's accumulation and finalize with the case's mean entropy (the network
// excluded: the predictor hands back precomputed logits), the prototype extraction and
// similarity, and the KNN vote, for N cases of X×Y×Z with C classes. "before" is the plain
// reference host code (sliding_window_predict_reference, compute_prototypes_reference,
// prototype_pseudo_label_reference, knn_vote_reference), "after" the fused kernels; runs
// alternate, medians of wall and process CPU time, and the ratio.
// Usage: between_rounds [--device auto|cpu|cuda] [--cases 16] [--size 128,128,96]
//        [--classes 2] [--repeats 5] [--threads N] [--out FILE]
// Writes bench/results/between_rounds_<device>_<threads>t.json and prints one JSON line.
#include <time.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>

#include "bench_env.h"
#include "kernels/copy.h"
#include "kernels/knn_vote.h"
#include "kernels/random.h"
#include "ssl/pseudo_labels/knn_refine.h"
#include "ssl/pseudo_labels/prototypes.h"
#include "ssl/inference/sliding_window.h"
#include "tensor/cuda_context.h"
#include "tensor/memory.h"
#include "tensor/parallel.h"

using namespace semisam;

namespace {

constexpr int64_t kFeatureChannels = 384, kFeatureGrid = 8, kCrop = 128;  // SAM-Med3D
constexpr int64_t kLabelledCases = 4, kNeighbours = 5;

struct Args {
  std::string device = "auto", out;
  int64_t cases = 16, classes = 2, repeats = 5, threads = 0;
  std::array<int64_t, 3> size{128, 128, 96};
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw Error("missing value after " + k);
      return argv[++i];
    };
    if (k == "--device")
      a.device = next();
    else if (k == "--cases")
      a.cases = std::stoll(next());
    else if (k == "--classes")
      a.classes = std::stoll(next());
    else if (k == "--repeats")
      a.repeats = std::stoll(next());
    else if (k == "--threads")
      a.threads = std::stoll(next());
    else if (k == "--out")
      a.out = next();
    else if (k == "--size") {
      std::stringstream in(next());
      std::string part;
      for (int64_t axis = 0; axis < 3; ++axis) {
        if (!std::getline(in, part, ',')) throw Error("--size needs X,Y,Z");
        a.size[size_t(axis)] = std::stoll(part);
      }
    } else {
      throw Error("unknown argument " + k);
    }
  }
  return a;
}

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

Tensor random_volume(const Shape& shape, uint64_t seed, Device device) {
  Generator gen(seed);
  Tensor t = Tensor::empty(shape, DType::Float32, device);
  ops::normal_(t, gen);
  return t;
}

Tensor random_label(const Shape& shape, int64_t classes, uint64_t seed) {
  const Tensor r = ops::to_device(random_volume(shape, seed, Device::cpu()), Device::cpu());
  Tensor label = Tensor::empty(shape, DType::UInt8);
  const float* v = r.data<float>();
  uint8_t* l = label.data<uint8_t>();
  for (int64_t i = 0; i < label.numel(); ++i)
    l[i] = uint8_t(std::min<int64_t>(classes - 1, int64_t(std::fabs(v[i]) * float(classes) / 2)));
  return label;
}

struct Workload {
  std::vector<Tensor> images;                              // N × [X, Y, Z] on the device
  std::vector<Tensor> window_logits;                       // per window of a case: [1, C, P, P, P]
  std::vector<Tensor> labelled_features, labelled_labels;  // the prototypes' labelled cases
  std::vector<Tensor> features;                            // N × [384, 8, 8, 8] on the device
  std::vector<Tensor> labels, labels_device;               // N current pseudo-labels (CPU, device)
  ssl::SlidingWindowOptions window;
};

Workload make_workload(const Args& a, Device device) {
  Workload w;
  const Shape volume{a.size[0], a.size[1], a.size[2]};
  w.window.patch = {112, 112, 80};  // the left-atrium patch: 2 × 2 × 2 windows on 128×128×96
  w.window.stride = {64, 64, 64};   // the pseudo-label stride
  w.window.num_classes = a.classes;
  w.window.device = device;
  int64_t windows = 1;
  for (int64_t axis = 0; axis < 3; ++axis)
    windows *=
        int64_t(ssl::window_starts(std::max(a.size[size_t(axis)], w.window.patch[size_t(axis)]),
                                   w.window.patch[size_t(axis)], 64)
                    .size());
  for (int64_t i = 0; i < windows; ++i)
    w.window_logits.push_back(random_volume(
        {1, a.classes, w.window.patch[0], w.window.patch[1], w.window.patch[2]}, 100 + i, device));
  for (int64_t i = 0; i < a.cases; ++i) {
    w.images.push_back(random_volume(volume, 200 + i, device));
    w.features.push_back(random_volume({kFeatureChannels, kFeatureGrid, kFeatureGrid, kFeatureGrid},
                                       300 + i, device));
    w.labels.push_back(random_label(volume, a.classes, 400 + i));
    w.labels_device.push_back(ops::to_device(w.labels.back(), device));
  }
  for (int64_t i = 0; i < kLabelledCases; ++i) {
    w.labelled_features.push_back(random_volume(
        {kFeatureChannels, kFeatureGrid, kFeatureGrid, kFeatureGrid}, 500 + i, device));
    w.labelled_labels.push_back(random_label(volume, a.classes, 600 + i));
  }
  return w;
}

constexpr int kParts = 3;  // sliding window, prototypes, KNN vote
const char* const kPartNames[kParts] = {"window", "prototypes", "vote"};

// One between-rounds step over every case; `fused` picks the path; the process CPU seconds of
// each part are added to part_cpu. Returns a checksum so the work cannot be optimised away and
// both paths can be compared.
double between_rounds(const Workload& w, bool fused, double* part_cpu) {
  const Device device = w.window.device;
  double mark = process_cpu_seconds();
  auto lap = [&](int part) {
    synchronize(device);
    const double now = process_cpu_seconds();
    part_cpu[part] += now - mark;
    mark = now;
  };
  size_t call = 0;
  const ssl::PatchPredictor predictor = [&](const Tensor&) {
    return w.window_logits[call++ % w.window_logits.size()];
  };
  ssl::SlidingWindowOutputs outputs;
  outputs.mean_entropy = true;
  double checksum = 0;
  for (const Tensor& image : w.images) {
    call = 0;
    const ssl::SlidingWindowResult r =
        fused ? ssl::sliding_window_predict(image, predictor, w.window, outputs)
              : ssl::sliding_window_predict_reference(image, predictor, w.window, outputs);
    checksum += r.mean_entropy + double(r.label.data<uint8_t>()[r.label.numel() / 2]);
  }
  lap(0);
  const ssl::Prototypes protos =
      fused ? ssl::compute_prototypes(w.labelled_features, w.labelled_labels, w.window.num_classes,
                                      kCrop)
            : ssl::compute_prototypes_reference(w.labelled_features, w.labelled_labels,
                                                w.window.num_classes, kCrop);
  for (size_t i = 0; i < w.features.size(); ++i) {
    const Tensor l =
        fused ? ssl::prototype_pseudo_label(w.features[i], protos, w.images[i].shape(), kCrop)
              : ssl::prototype_pseudo_label_reference(w.features[i], protos, w.images[i].shape(),
                                                      kCrop);
    checksum += double(l.data<uint8_t>()[l.numel() / 3]);
  }
  lap(1);
  // Every case votes over the next k cases (the method votes only the uncertain ~10%: an upper
  // bound of the vote's share).
  const std::vector<double> weights{0.9, 0.7, 0.6, 0.5, 0.4};
  const size_t n = w.labels.size();
  for (size_t i = 0; i < n; ++i) {
    std::vector<const Tensor*> ref;
    std::vector<Tensor> dev;
    for (size_t j = 1; j <= size_t(kNeighbours); ++j) {
      ref.push_back(&w.labels[(i + j) % n]);
      dev.push_back(w.labels_device[(i + j) % n]);
    }
    const Shape& shape = w.labels[i].shape();
    const Tensor v =
        fused ? ops::to_device(ops::knn_vote(dev, weights, {shape[0], shape[1], shape[2]},
                                             w.window.num_classes),
                               Device::cpu())
              : ssl::knn_vote_reference(ref, weights, shape, w.window.num_classes);
    checksum += double(v.data<uint8_t>()[v.numel() / 2]);
  }
  lap(2);
  return checksum;
}

}  // namespace

int main(int argc, char** argv) try {
  const Args args = parse(argc, argv);
  if (args.threads > 0) set_cpu_threads(int(args.threads));
  const Device device = args.device == "auto" ? (cuda_available() ? Device::cuda(0) : Device::cpu())
                                              : parse_device(args.device);
  auto env = bench::environment(device);
  env["threads"] = std::to_string(cpu_threads());
  const Workload w = make_workload(args, device);
  std::printf("between-rounds step: %lld cases of %lldx%lldx%lld, %lld classes, %s, %d thread(s)\n",
              (long long)args.cases, (long long)args.size[0], (long long)args.size[1],
              (long long)args.size[2], (long long)args.classes, device.str().c_str(),
              cpu_threads());
  // Warm-up of both paths (allocator caches, pages), and the two checksums must agree.
  std::vector<double> part_cpu[2];
  for (auto& p : part_cpu) p.assign(kParts, 0.0);
  const double before_sum = between_rounds(w, false, part_cpu[0].data());
  const double after_sum = between_rounds(w, true, part_cpu[1].data());
  for (auto& p : part_cpu) p.assign(kParts, 0.0);
  if (std::fabs(before_sum - after_sum) > 1e-6 * std::fabs(before_sum))
    throw Error("before and after disagree: checksum " + std::to_string(before_sum) + " vs " +
                std::to_string(after_sum));
  std::vector<double> wall[2], cpu[2];
  for (int64_t r = 0; r < args.repeats; ++r)
    for (int fused = 0; fused < 2; ++fused) {
      synchronize(device);
      const double c0 = process_cpu_seconds();
      const auto t0 = std::chrono::steady_clock::now();
      between_rounds(w, fused == 1, part_cpu[fused].data());
      synchronize(device);
      wall[fused].push_back(bench::seconds_since(t0));
      cpu[fused].push_back(process_cpu_seconds() - c0);
    }
  const double before_wall = bench::median(wall[0]), after_wall = bench::median(wall[1]);
  const double before_cpu = bench::median(cpu[0]), after_cpu = bench::median(cpu[1]);
  std::map<std::string, std::string> result{
      {"cases", std::to_string(args.cases)},
      {"size", std::to_string(args.size[0]) + "x" + std::to_string(args.size[1]) + "x" +
                   std::to_string(args.size[2])},
      {"classes", std::to_string(args.classes)},
      {"threads", std::to_string(cpu_threads())},
      {"repeats", std::to_string(args.repeats)},
      {"before_wall_ms", std::to_string(1e3 * before_wall)},
      {"after_wall_ms", std::to_string(1e3 * after_wall)},
      {"wall_speedup", std::to_string(before_wall / after_wall)},
      {"before_cpu_ms", std::to_string(1e3 * before_cpu)},
      {"after_cpu_ms", std::to_string(1e3 * after_cpu)},
      {"cpu_speedup", std::to_string(before_cpu / after_cpu)}};
  for (int part = 0; part < kParts; ++part) {
    const double b = 1e3 * part_cpu[0][size_t(part)] / double(args.repeats);
    const double a = 1e3 * part_cpu[1][size_t(part)] / double(args.repeats);
    result[std::string("before_cpu_ms_") + kPartNames[part]] = std::to_string(b);
    result[std::string("after_cpu_ms_") + kPartNames[part]] = std::to_string(a);
    std::printf("%-12s cpu ms (mean) before %10.1f after %10.1f ratio %6.2f\n", kPartNames[part], b,
                a, b / a);
  }
  std::printf("%-8s %14s %14s\n", "", "wall ms", "cpu ms");
  std::printf("%-8s %14.1f %14.1f\n", "before", 1e3 * before_wall, 1e3 * before_cpu);
  std::printf("%-8s %14.1f %14.1f\n", "after", 1e3 * after_wall, 1e3 * after_cpu);
  std::printf("%-8s %14.2f %14.2f\n", "ratio", before_wall / after_wall, before_cpu / after_cpu);
  std::ostringstream line;
  line << "{";
  bool first = true;
  for (const auto& [k, v] : result) {
    line << (first ? "" : ", ") << "\"" << k << "\": \"" << v << "\"";
    first = false;
  }
  line << "}";
  std::printf("%s\n", line.str().c_str());
  std::string out = args.out.empty() ? "bench/results/between_rounds_" + device.str() + "_" +
                                           std::to_string(cpu_threads()) + "t.json"
                                     : args.out;
  for (char& c : out)
    if (c == ':') c = '_';
  bench::write_json(out, env, {result});
  std::printf("wrote %s\n", out.c_str());
  return 0;
} catch (const std::exception& e) {
  std::cerr << "between_rounds: " << e.what() << "\n";
  return 1;
}

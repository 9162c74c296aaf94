// Benchmark behind the activation-layout decision (issue 3): cuDNN 3-D convolution forward,
// data-gradient and weight-gradient times for every U-Net layer shape at 128³, batch 2, in NCDHW
// and NDHWC, in fp32, tf32 and bf16. CUDA events around each run after warm-up, median of the
// repeats. Prints a table and writes bench/results/conv_layouts_<gpu>.json (GPU, driver, cuDNN
// version, commit). Run from the repository root; see docs/performance.md.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench_env.h"
#include "tensor/device.h"

#if SEMISAM_HAS_CUDA
#include <cuda_runtime.h>

#include "kernels/conv3d.h"
#include "kernels/cuda/cudnn_conv.h"
#include "kernels/random.h"
#include "tensor/cuda_check.h"
#include "tensor/cuda_context.h"
#include "tensor/tensor.h"

namespace semisam {
namespace {

using ops::cudak::ConvLayout;
using ops::cudak::ConvPass;

struct Layer {
  int in_channels, out_channels, size;
  int uses;        // how often the shape occurs in one U-Net (SPEC §2.1)
  bool data_grad;  // false for the first layer: the image needs no gradient
};

// Encoder, centre and decoder 3×3×3 convolutions of unet_3D for a 128³ input.
std::vector<Layer> unet_layers(int size) {
  return {
      {1, 16, size, 1, false},        {16, 16, size, 2, true},       {16, 32, size / 2, 1, true},
      {32, 32, size / 2, 2, true},    {32, 64, size / 4, 1, true},   {64, 64, size / 4, 2, true},
      {64, 128, size / 8, 1, true},   {128, 128, size / 8, 2, true}, {128, 256, size / 16, 1, true},
      {256, 256, size / 16, 1, true}, {384, 128, size / 8, 1, true}, {192, 64, size / 4, 1, true},
      {96, 32, size / 2, 1, true},    {48, 16, size, 1, true}};
}

struct Precision {
  const char* name;
  cudnnDataType_t type;
  bool allow_tf32;
  DType dtype;
};

const Precision kPrecisions[] = {{"fp32", CUDNN_DATA_FLOAT, false, DType::Float32},
                                 {"tf32", CUDNN_DATA_FLOAT, true, DType::Float32},
                                 {"bf16", CUDNN_DATA_BFLOAT16, false, DType::BFloat16}};

struct Options {
  int size = 128, batch = 2, warmup = 3, repeats = 20;
  bool deterministic = true;
  ops::ConvAlgoSearch search = ops::ConvAlgoSearch::Benchmark;
  std::string commit, output;
};

struct PassResult {
  double median_ms = -1;  // −1: not run (or failed)
  std::string algorithm, error;
};

struct Entry {
  Layer layer;
  const char* layout;
  const char* precision;
  PassResult pass[3];  // forward, data grad, weight grad
};

PassResult time_pass(ConvPass pass, const ops::cudak::ConvProblem& problem,
                     const ops::cudak::ConvBuffers& buffers, const Options& o) {
  PassResult r;
  ops::cudak::ConvOptions conv_options{o.deterministic, o.search};
  cudaStream_t stream = semisam::cuda::current_stream(0);
  cudaEvent_t start, stop;
  CUDA_CHECK(cudaEventCreate(&start));
  CUDA_CHECK(cudaEventCreate(&stop));
  try {
    ops::cudak::ConvAlgorithm algo;
    for (int i = 0; i < o.warmup; ++i)
      algo = ops::cudak::run_conv_pass(pass, problem, 0, buffers, conv_options);
    r.algorithm = ops::cudak::conv_algorithm_name(pass, algo.algo);
    std::vector<double> times;
    for (int i = 0; i < o.repeats; ++i) {
      CUDA_CHECK(cudaEventRecord(start, stream));
      ops::cudak::run_conv_pass(pass, problem, 0, buffers, conv_options);
      CUDA_CHECK(cudaEventRecord(stop, stream));
      CUDA_CHECK(cudaEventSynchronize(stop));
      float ms = 0;
      CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
      times.push_back(ms);
    }
    r.median_ms = bench::median(times);
  } catch (const Error& e) {
    r.error = e.what();
    cudaGetLastError();
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return r;
}

Entry measure(const Layer& layer, ConvLayout layout, const Precision& prec, const Options& o) {
  Entry e{layer, layout == ConvLayout::NCDHW ? "NCDHW" : "NDHWC", prec.name, {}};
  Shape xs{o.batch, layer.in_channels, layer.size, layer.size, layer.size};
  Shape ws{layer.out_channels, layer.in_channels, 3, 3, 3};
  ops::Conv3dParams params{{1, 1, 1}, {1, 1, 1}};
  Shape ys = ops::conv3d_output_shape(xs, ws, params);
  Device dev = Device::cuda(0);
  Tensor x = Tensor::empty(xs, prec.dtype, dev), w = Tensor::empty(ws, prec.dtype, dev);
  Tensor y = Tensor::empty(ys, prec.dtype, dev);
  Generator gen(1);
  ops::normal_(x, gen);
  ops::normal_(w, gen, 0.0, 0.05);
  ops::normal_(y, gen);
  auto problem = ops::cudak::make_conv_problem(xs, ws, params, prec.type, layout, prec.allow_tf32);
  ops::cudak::ConvBuffers buffers{x.data_ptr(), w.data_ptr(), y.data_ptr()};
  e.pass[0] = time_pass(ConvPass::Forward, problem, buffers, o);
  if (layer.data_grad) e.pass[1] = time_pass(ConvPass::BackwardData, problem, buffers, o);
  e.pass[2] = time_pass(ConvPass::BackwardFilter, problem, buffers, o);
  return e;
}

double flops(const Layer& l, int batch) {
  double voxels = double(l.size) * l.size * l.size;
  return 2.0 * batch * l.in_channels * l.out_channels * 27.0 * voxels;
}

std::string driver_release() {
  std::ifstream in("/proc/driver/nvidia/version");
  std::string line;
  std::getline(in, line);
  return line;
}

std::string slug(const std::string& name) {
  std::string s;
  for (char c : name)
    s += std::isalnum(static_cast<unsigned char>(c)) ? char(std::tolower(c)) : '_';
  return s;
}

// The environment of bench_env.h (GPU, CUDA driver and runtime, cuDNN, commit, date), the
// driver release, the settings, and one object per (layer, layout, precision).
void write_json(const std::string& path, const std::vector<Entry>& entries, const Options& o) {
  using bench::json_escape;
  std::map<std::string, std::string> env = bench::environment(Device::cuda(0));
  env["commit"] = o.commit;
  env["driver_release"] = driver_release();
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream out(path);
  out << "{\n  \"benchmark\": \"conv_layouts\",\n  \"environment\": {";
  bool first = true;
  for (const auto& [k, v] : env) {
    out << (first ? "\n" : ",\n") << "    \"" << json_escape(k) << "\": \"" << json_escape(v)
        << "\"";
    first = false;
  }
  out << "\n  },\n";
  out << "  \"batch\": " << o.batch << ", \"input_size\": " << o.size << ", \"kernel\": 3,\n";
  out << "  \"warmup\": " << o.warmup << ", \"repeats\": " << o.repeats
      << ", \"statistic\": \"median\",\n";
  out << "  \"deterministic\": " << (o.deterministic ? "true" : "false") << ", \"search\": \""
      << (o.search == ops::ConvAlgoSearch::Benchmark ? "benchmark" : "heuristic") << "\",\n";
  out << "  \"results\": [\n";
  const char* pass_names[3] = {"forward", "data_grad", "weight_grad"};
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    out << "    {\"in\": " << e.layer.in_channels << ", \"out\": " << e.layer.out_channels
        << ", \"size\": " << e.layer.size << ", \"uses\": " << e.layer.uses << ", \"layout\": \""
        << e.layout << "\", \"precision\": \"" << e.precision
        << "\", \"gflop_per_pass\": " << flops(e.layer, o.batch) * 1e-9;
    for (int k = 0; k < 3; ++k) {
      const PassResult& r = e.pass[k];
      out << ", \"" << pass_names[k] << "\": ";
      if (r.median_ms >= 0)
        out << "{\"ms\": " << r.median_ms << ", \"algo\": \"" << r.algorithm << "\"}";
      else if (!r.error.empty())
        out << "{\"error\": \"" << json_escape(r.error) << "\"}";
      else
        out << "null";
    }
    out << "}" << (i + 1 < entries.size() ? "," : "") << "\n";
  }
  out << "  ]\n}\n";
}

std::string cell(const PassResult& r) {
  char buf[32];
  if (r.median_ms >= 0)
    std::snprintf(buf, sizeof buf, "%9.3f", r.median_ms);
  else
    std::snprintf(buf, sizeof buf, "%9s", r.error.empty() ? "-" : "FAILED");
  return buf;
}

int run(const Options& o) {
  SEMISAM_CHECK(cuda_available(), "conv_layouts needs a CUDA device");
  cudaDeviceProp prop;
  CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
  int driver = 0;
  CUDA_CHECK(cudaDriverGetVersion(&driver));
  std::printf(
      "conv_layouts: %s, cuDNN %zu, driver API %d, commit %s, batch %d, %d^3, median of %d\n",
      prop.name, cudnnGetVersion(), driver, o.commit.c_str(), o.batch, o.size, o.repeats);
  std::printf("%-12s %-6s %-5s %9s %9s %9s %9s  %s\n", "layer", "layout", "prec", "fwd ms",
              "dgrad ms", "wgrad ms", "TFLOP/s", "algorithms (fwd/dgrad/wgrad)");
  std::vector<Entry> entries;
  for (const Layer& layer : unet_layers(o.size))
    for (ConvLayout layout : {ConvLayout::NCDHW, ConvLayout::NDHWC})
      for (const Precision& prec : kPrecisions) {
        Entry e = measure(layer, layout, prec, o);
        double ms = 0;
        int passes = 0;
        for (const PassResult& r : e.pass)
          if (r.median_ms >= 0) ms += r.median_ms, ++passes;
        char name[32];
        std::snprintf(name, sizeof name, "%d->%d@%d", layer.in_channels, layer.out_channels,
                      layer.size);
        std::printf("%-12s %-6s %-5s %s %s %s %9.1f  %s/%s/%s\n", name, e.layout, e.precision,
                    cell(e.pass[0]).c_str(), cell(e.pass[1]).c_str(), cell(e.pass[2]).c_str(),
                    ms > 0 ? passes * flops(layer, o.batch) / (ms * 1e-3) * 1e-12 : 0.0,
                    e.pass[0].algorithm.c_str(), e.pass[1].algorithm.c_str(),
                    e.pass[2].algorithm.c_str());
        for (const PassResult& r : e.pass)
          if (!r.error.empty()) std::printf("    error: %s\n", r.error.c_str());
        entries.push_back(e);
      }
  // One U-Net forward + backward: every shape times its uses.
  std::printf("\nsum over one U-Net forward+backward (ms):\n");
  for (const char* layout : {"NCDHW", "NDHWC"})
    for (const Precision& prec : kPrecisions) {
      double total = 0;
      bool complete = true;
      for (const Entry& e : entries) {
        if (std::string(e.layout) != layout || std::string(e.precision) != prec.name) continue;
        for (int k = 0; k < 3; ++k) {
          if (k == 1 && !e.layer.data_grad) continue;
          if (e.pass[k].median_ms < 0)
            complete = false;
          else
            total += e.layer.uses * e.pass[k].median_ms;
        }
      }
      std::printf("  %-6s %-5s %9.2f%s\n", layout, prec.name, total,
                  complete ? "" : " (incomplete)");
    }
  std::string path =
      o.output.empty() ? "bench/results/conv_layouts_" + slug(prop.name) + ".json" : o.output;
  write_json(path, entries, o);
  std::printf("wrote %s\n", path.c_str());
  return 0;
}

}  // namespace
}  // namespace semisam
#endif  // SEMISAM_HAS_CUDA

#if SEMISAM_HAS_CUDA
namespace semisam {
namespace {

const char* const kUsage =
    "usage: conv_layouts [--commit SHA] [--output PATH] [--repeats N] [--warmup N]\n"
    "                    [--size S] [--batch B] [--search benchmark|heuristic]\n"
    "                    [--nondeterministic]\n"
    "The commit defaults to $SEMISAM_COMMIT, else the commit the build was configured at.\n";

Options parse_options(int argc, char** argv) {
  Options o;
  o.commit = bench::environment(Device::cpu())["commit"];  // SEMISAM_COMMIT or the configured one
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      SEMISAM_CHECK(i + 1 < argc, a, " needs a value");
      return argv[++i];
    };
    if (a == "--commit")
      o.commit = value();
    else if (a == "--output")
      o.output = value();
    else if (a == "--repeats")
      o.repeats = std::max(1, std::stoi(value()));
    else if (a == "--warmup")
      o.warmup = std::max(1, std::stoi(value()));
    else if (a == "--size")
      o.size = std::stoi(value());
    else if (a == "--batch")
      o.batch = std::stoi(value());
    else if (a == "--search") {
      std::string v = value();
      SEMISAM_CHECK(v == "heuristic" || v == "benchmark", "unknown search '", v, "'");
      o.search = v == "heuristic" ? ops::ConvAlgoSearch::Heuristic : ops::ConvAlgoSearch::Benchmark;
    } else if (a == "--nondeterministic")
      o.deterministic = false;
    else
      SEMISAM_FAIL("unknown argument '", a, "'");
  }
  SEMISAM_CHECK(o.size % 16 == 0 && o.size > 0, "--size must be a positive multiple of 16");
  return o;
}

}  // namespace
}  // namespace semisam
#endif  // SEMISAM_HAS_CUDA

int main(int argc, char** argv) {
#if SEMISAM_HAS_CUDA
  semisam::Options options;
  try {
    options = semisam::parse_options(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "conv_layouts: " << e.what() << "\n" << semisam::kUsage;
    return 2;
  }
  try {
    return semisam::run(options);
  } catch (const std::exception& e) {
    std::cerr << "conv_layouts: " << e.what() << "\n";
    return 1;
  }
#else
  (void)argc;
  (void)argv;
  std::cerr << "conv_layouts: built without the CUDA backend; nothing to measure\n";
  return 1;
#endif
}

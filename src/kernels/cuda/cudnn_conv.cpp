// cuDNN 3-D convolution passes through the legacy (v7-style) API: descriptors per call, algorithm
// candidates from cudnnGet*_v7 or cudnnFind*Ex, filtered for determinism and precision, the first
// one that runs cached per problem.
#include "kernels/cuda/cudnn_conv.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include "kernels/cuda/cudnn_check.h"
#include "kernels/cuda/cudnn_descriptors.h"
#include "kernels/cuda/cudnn_handle.h"
#include "tensor/cuda_check.h"
#include "tensor/cuda_context.h"
#include "tensor/memory.h"
#include "tensor/tensor.h"

namespace semisam::ops::cudak {
namespace {

// Benchmark mode never hands cudnnFind*Ex more workspace than this.
constexpr size_t kMaxFindWorkspaceBytes = size_t(1) << 30;

struct Descriptors {
  TensorDescriptor x, y;
  FilterDescriptor w;
  ConvolutionDescriptor conv;
};

std::array<int, 5> layout_strides(const std::array<int, 5>& dims, ConvLayout layout) {
  const int n = dims[0], c = dims[1], d = dims[2], h = dims[3], w = dims[4];
  (void)n;
  if (layout == ConvLayout::NCDHW) return {c * d * h * w, d * h * w, h * w, w, 1};
  return {d * h * w * c, 1, h * w * c, w * c, c};
}

// The math type every candidate of the problem runs with, unless the candidate asks otherwise.
cudnnMathType_t base_math_type(const ConvProblem& p) {
  if (p.data_type == CUDNN_DATA_FLOAT) return p.allow_tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH;
  if (p.data_type == CUDNN_DATA_BFLOAT16) return CUDNN_TENSOR_OP_MATH;
  return CUDNN_DEFAULT_MATH;
}

// Plain float32 must never run on TF32 tensor cores, whatever a candidate reports.
bool fma_only(const ConvProblem& p) { return p.data_type == CUDNN_DATA_FLOAT && !p.allow_tf32; }

Descriptors make_descriptors(const ConvProblem& p) {
  std::array<int, 5> xdims{p.batch, p.in_channels, p.input[0], p.input[1], p.input[2]};
  std::array<int, 5> ydims{p.batch, p.out_channels, p.output[0], p.output[1], p.output[2]};
  std::array<int, 5> wdims{p.out_channels, p.in_channels, p.kernel[0], p.kernel[1], p.kernel[2]};
  cudnnDataType_t compute = p.data_type == CUDNN_DATA_DOUBLE ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT;
  return Descriptors{
      TensorDescriptor(p.data_type, xdims, layout_strides(xdims, p.layout)),
      TensorDescriptor(p.data_type, ydims, layout_strides(ydims, p.layout)),
      FilterDescriptor(p.data_type,
                       p.layout == ConvLayout::NCDHW ? CUDNN_TENSOR_NCHW : CUDNN_TENSOR_NHWC,
                       wdims),
      ConvolutionDescriptor(p.padding, p.stride, compute, base_math_type(p))};
}

struct Candidate {
  int algo = -1;
  cudnnStatus_t status = CUDNN_STATUS_SUCCESS;
  size_t memory = 0;
  cudnnDeterminism_t determinism = CUDNN_NON_DETERMINISTIC;
  cudnnMathType_t math_type = CUDNN_DEFAULT_MATH;
};

template <typename Perf>
std::vector<Candidate> to_candidates(const std::vector<Perf>& perf, int count) {
  std::vector<Candidate> out;
  for (int i = 0; i < count; ++i)
    out.push_back({int(perf[size_t(i)].algo), perf[size_t(i)].status, perf[size_t(i)].memory,
                   perf[size_t(i)].determinism, perf[size_t(i)].mathType});
  return out;
}

// cuDNN's heuristic ranking of every algorithm for the problem.
std::vector<Candidate> heuristic_candidates(ConvPass pass, cudnnHandle_t h, const Descriptors& d) {
  int max_count = 0, count = 0;
  switch (pass) {
    case ConvPass::Forward: {
      CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithmMaxCount(h, &max_count));
      std::vector<cudnnConvolutionFwdAlgoPerf_t> perf(size_t(std::max(max_count, 1)));
      CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(
          h, d.x.get(), d.w.get(), d.conv.get(), d.y.get(), max_count, &count, perf.data()));
      return to_candidates(perf, count);
    }
    case ConvPass::BackwardData: {
      CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithmMaxCount(h, &max_count));
      std::vector<cudnnConvolutionBwdDataAlgoPerf_t> perf(size_t(std::max(max_count, 1)));
      CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithm_v7(
          h, d.w.get(), d.y.get(), d.conv.get(), d.x.get(), max_count, &count, perf.data()));
      return to_candidates(perf, count);
    }
    case ConvPass::BackwardFilter: {
      CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(h, &max_count));
      std::vector<cudnnConvolutionBwdFilterAlgoPerf_t> perf(size_t(std::max(max_count, 1)));
      CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithm_v7(
          h, d.x.get(), d.y.get(), d.conv.get(), d.w.get(), max_count, &count, perf.data()));
      return to_candidates(perf, count);
    }
  }
  return {};
}

// A device workspace from the library's allocator, or an undefined tensor when it cannot be had.
Tensor try_workspace(size_t bytes, int device) {
  try {
    return Tensor::empty({int64_t(bytes)}, DType::UInt8, Device::cuda(device));
  } catch (const Error&) {
    cudaGetLastError();  // clear the failed allocation's error state
    return Tensor();
  }
}

// The chosen algorithms' workspace: one buffer per (device, stream), grown to the largest request
// and kept, so a training step stops asking the pool for a workspace on every convolution pass.
// Work on one stream runs in order, so all passes queued on it can share the buffer; when it grows,
// the old one goes back to the pool stream-ordered, after the passes already queued. A request
// above the bound gets a buffer of its own for that call, so one rare algorithm with a huge
// workspace cannot pin it. memory_stats().cached_workspace_bytes shows the cached total (it is part
// of current_bytes). Streams are the library's own per device, or a caller's through
// cuda::StreamGuard; a caller that destroys a stream it used leaves its buffer cached (bounded).
constexpr size_t kMaxCachedWorkspaceBytes = size_t(256) << 20;
std::mutex workspace_mutex;
// Never destroyed: at exit a destructor would hand the buffers to an allocator whose own statics
// may already be gone (destruction order across files is unspecified); the process's end frees them.
std::map<std::pair<int, cudaStream_t>, Tensor>& workspaces() {
  static auto* map = new std::map<std::pair<int, cudaStream_t>, Tensor>();
  return *map;
}

// A workspace of at least `bytes` for work queued on the device's current stream; the caller holds
// the tensor until the work is queued. Undefined when the memory cannot be had.
Tensor cached_workspace(size_t bytes, int device) {
  if (bytes == 0 || bytes > kMaxCachedWorkspaceBytes) return try_workspace(bytes, device);
  const auto key = std::make_pair(device, semisam::cuda::current_stream(device));
  std::lock_guard<std::mutex> lock(workspace_mutex);
  Tensor& cached = workspaces()[key];
  if (!cached.defined() || cached.nbytes() < bytes) {
    cached = Tensor();  // the old buffer back to the pool first: the new one may reuse its memory
    cached = try_workspace(bytes, device);
    size_t total = 0;
    for (const auto& [k, buffer] : workspaces())
      if (k.first == device && buffer.defined()) total += buffer.nbytes();
    set_cached_workspace_bytes(Device::cuda(device), total);
  }
  return cached;
}

// cuDNN's measured ranking (runs every algorithm once on the given buffers, which it overwrites).
std::vector<Candidate> benchmark_candidates(ConvPass pass, cudnnHandle_t h, const Descriptors& d,
                                            const ConvBuffers& b, size_t workspace_bytes,
                                            int device) {
  Tensor ws = try_workspace(std::min(workspace_bytes, kMaxFindWorkspaceBytes), device);
  void* ws_ptr = ws.defined() ? ws.data_ptr() : nullptr;
  size_t ws_size = ws.defined() ? ws.nbytes() : 0;
  int max_count = 0, count = 0;
  switch (pass) {
    case ConvPass::Forward: {
      CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithmMaxCount(h, &max_count));
      std::vector<cudnnConvolutionFwdAlgoPerf_t> perf(size_t(std::max(max_count, 1)));
      CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithmEx(h, d.x.get(), b.x, d.w.get(), b.w,
                                                         d.conv.get(), d.y.get(), b.y, max_count,
                                                         &count, perf.data(), ws_ptr, ws_size));
      return to_candidates(perf, count);
    }
    case ConvPass::BackwardData: {
      CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithmMaxCount(h, &max_count));
      std::vector<cudnnConvolutionBwdDataAlgoPerf_t> perf(size_t(std::max(max_count, 1)));
      CUDNN_CHECK(cudnnFindConvolutionBackwardDataAlgorithmEx(
          h, d.w.get(), b.w, d.y.get(), b.y, d.conv.get(), d.x.get(), b.x, max_count, &count,
          perf.data(), ws_ptr, ws_size));
      return to_candidates(perf, count);
    }
    case ConvPass::BackwardFilter: {
      CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(h, &max_count));
      std::vector<cudnnConvolutionBwdFilterAlgoPerf_t> perf(size_t(std::max(max_count, 1)));
      CUDNN_CHECK(cudnnFindConvolutionBackwardFilterAlgorithmEx(
          h, d.x.get(), b.x, d.y.get(), b.y, d.conv.get(), d.w.get(), b.w, max_count, &count,
          perf.data(), ws_ptr, ws_size));
      return to_candidates(perf, count);
    }
  }
  return {};
}

cudnnStatus_t workspace_size(ConvPass pass, cudnnHandle_t h, const Descriptors& d, int algo,
                             size_t* bytes) {
  switch (pass) {
    case ConvPass::Forward:
      return cudnnGetConvolutionForwardWorkspaceSize(
          h, d.x.get(), d.w.get(), d.conv.get(), d.y.get(), cudnnConvolutionFwdAlgo_t(algo), bytes);
    case ConvPass::BackwardData:
      return cudnnGetConvolutionBackwardDataWorkspaceSize(
          h, d.w.get(), d.y.get(), d.conv.get(), d.x.get(), cudnnConvolutionBwdDataAlgo_t(algo),
          bytes);
    case ConvPass::BackwardFilter:
      return cudnnGetConvolutionBackwardFilterWorkspaceSize(
          h, d.x.get(), d.y.get(), d.conv.get(), d.w.get(), cudnnConvolutionBwdFilterAlgo_t(algo),
          bytes);
  }
  return CUDNN_STATUS_BAD_PARAM;
}

cudnnStatus_t execute(ConvPass pass, cudnnHandle_t h, const Descriptors& d, int algo,
                      const ConvBuffers& b, void* ws, size_t ws_bytes, cudnnDataType_t type) {
  const double one64 = 1.0, zero64 = 0.0;
  const float one32 = 1.0f, zero32 = 0.0f;
  const bool dbl = type == CUDNN_DATA_DOUBLE;
  const void* one = dbl ? static_cast<const void*>(&one64) : &one32;
  const void* zero = dbl ? static_cast<const void*>(&zero64) : &zero32;
  switch (pass) {
    case ConvPass::Forward:
      return cudnnConvolutionForward(h, one, d.x.get(), b.x, d.w.get(), b.w, d.conv.get(),
                                     cudnnConvolutionFwdAlgo_t(algo), ws, ws_bytes, zero, d.y.get(),
                                     b.y);
    case ConvPass::BackwardData:
      return cudnnConvolutionBackwardData(h, one, d.w.get(), b.w, d.y.get(), b.y, d.conv.get(),
                                          cudnnConvolutionBwdDataAlgo_t(algo), ws, ws_bytes, zero,
                                          d.x.get(), b.x);
    case ConvPass::BackwardFilter:
      return cudnnConvolutionBackwardFilter(h, one, d.x.get(), b.x, d.y.get(), b.y, d.conv.get(),
                                            cudnnConvolutionBwdFilterAlgo_t(algo), ws, ws_bytes,
                                            zero, d.w.get(), b.w);
  }
  return CUDNN_STATUS_BAD_PARAM;
}

using CacheKey = std::vector<long long>;

CacheKey cache_key(ConvPass pass, const ConvProblem& p, int device, const ConvOptions& o) {
  CacheKey key{int(pass),        device,        p.batch,      p.in_channels,   p.out_channels,
               int(p.data_type), int(p.layout), p.allow_tf32, o.deterministic, int(o.search)};
  for (int d = 0; d < 3; ++d)
    key.insert(key.end(), {p.input[d], p.kernel[d], p.stride[d], p.padding[d]});
  return key;
}

std::mutex cache_mutex;
std::map<CacheKey, ConvAlgorithm> algorithm_cache;

const char* pass_name(ConvPass pass) {
  switch (pass) {
    case ConvPass::Forward: return "forward";
    case ConvPass::BackwardData: return "backward-data";
    case ConvPass::BackwardFilter: return "backward-filter";
  }
  return "?";
}

std::string describe(const ConvProblem& p) {
  return detail::concat(
      "N=", p.batch, " ", p.in_channels, "->", p.out_channels, " channels, input ", p.input[0], "x",
      p.input[1], "x", p.input[2], ", kernel ", p.kernel[0], "x", p.kernel[1], "x", p.kernel[2],
      ", data type ", int(p.data_type), p.layout == ConvLayout::NCDHW ? ", NCDHW" : ", NDHWC");
}

// The key's fields, in cache_key's order: 10 scalars, then (input, kernel, stride, padding) per
// axis. The search field sits at index 9.
constexpr size_t kKeyLength = 10 + 3 * 4;
constexpr size_t kKeySearchIndex = 9;

}  // namespace

std::string export_benchmark_choices() {
  std::ostringstream out;
  std::lock_guard<std::mutex> lock(cache_mutex);
  for (const auto& [key, algorithm] : algorithm_cache) {
    if (key[kKeySearchIndex] != int(ConvAlgoSearch::Benchmark)) continue;
    out << "conv";
    for (long long v : key) out << ' ' << v;
    out << " : " << algorithm.algo << ' ' << int(algorithm.math_type) << ' '
        << algorithm.workspace_bytes << '\n';
  }
  return out.str();
}

void import_benchmark_choices(const std::string& text, const std::string& source) {
  std::map<CacheKey, ConvAlgorithm> parsed;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::istringstream in(line);
    std::string word, colon;
    CacheKey key(kKeyLength);
    long long algo = -1, math = -1, bytes = -1;
    in >> word;
    for (long long& v : key) in >> v;
    in >> colon >> algo >> math >> bytes;
    std::string extra;
    const bool complete = !in.fail() && !(in >> extra);
    SEMISAM_CHECK(complete && word == "conv" && colon == ":", source, " line ", number,
                  ": not a convolution algorithm choice (\"conv <", kKeyLength,
                  " numbers> : <algorithm> <math type> <workspace bytes>\"): ", line);
    SEMISAM_CHECK(key[0] >= 0 && key[0] <= 2 && key[kKeySearchIndex] == int(ConvAlgoSearch::Benchmark),
                  source, " line ", number, ": pass ", key[0], " and search ", key[kKeySearchIndex],
                  " are not those of a stored benchmark choice");
    SEMISAM_CHECK(algo >= 0 && algo < 64 && math >= 0 && math <= 3 && bytes >= 0, source, " line ",
                  number, ": algorithm ", algo, ", math type ", math, ", workspace ", bytes,
                  " bytes are out of range");
    parsed[key] = ConvAlgorithm{int(algo), cudnnMathType_t(math), size_t(bytes)};
  }
  std::lock_guard<std::mutex> lock(cache_mutex);
  for (auto& [key, algorithm] : parsed) algorithm_cache[key] = algorithm;
}

ConvProblem make_conv_problem(const Shape& input, const Shape& weight, const Conv3dParams& params,
                              cudnnDataType_t data_type, ConvLayout layout, bool allow_tf32) {
  Shape output = conv3d_output_shape(input, weight, params);
  ConvProblem p;
  p.batch = int(input[0]);
  p.in_channels = int(input[1]);
  p.out_channels = int(weight[0]);
  for (int d = 0; d < 3; ++d) {
    p.input[size_t(d)] = int(input[2 + d]);
    p.kernel[size_t(d)] = int(weight[2 + d]);
    p.stride[size_t(d)] = int(params.stride[size_t(d)]);
    p.padding[size_t(d)] = int(params.padding[size_t(d)]);
    p.output[size_t(d)] = int(output[2 + d]);
  }
  p.data_type = data_type;
  p.layout = layout;
  p.allow_tf32 = allow_tf32;
  return p;
}

ConvAlgorithm run_conv_pass(ConvPass pass, const ConvProblem& problem, int device,
                            const ConvBuffers& buffers, const ConvOptions& options) {
  CUDA_CHECK(cudaSetDevice(device));
  cudnnHandle_t handle = cudnn_handle(device);
  Descriptors d = make_descriptors(problem);
  CacheKey key = cache_key(pass, problem, device, options);
  bool cached = false;
  ConvAlgorithm chosen;
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    auto it = algorithm_cache.find(key);
    if (it != algorithm_cache.end()) {
      cached = true;
      chosen = it->second;
    }
  }
  if (cached) {
    d.conv.set_math_type(chosen.math_type);
    Tensor ws = cached_workspace(chosen.workspace_bytes, device);
    if (!ws.defined())  // out of memory: allocate directly, for the allocator's own error message
      ws = Tensor::empty({int64_t(chosen.workspace_bytes)}, DType::UInt8, Device::cuda(device));
    CUDNN_CHECK(execute(pass, handle, d, chosen.algo, buffers,
                        chosen.workspace_bytes ? ws.data_ptr() : nullptr, chosen.workspace_bytes,
                        problem.data_type));
    return chosen;
  }
  std::vector<Candidate> candidates = heuristic_candidates(pass, handle, d);
  auto usable = [&](const Candidate& c) {
    return c.status == CUDNN_STATUS_SUCCESS &&
           (!options.deterministic || c.determinism == CUDNN_DETERMINISTIC);
  };
  if (options.search == ConvAlgoSearch::Benchmark) {
    size_t most = 0;
    for (const Candidate& c : candidates)
      if (usable(c)) most = std::max(most, c.memory);
    candidates = benchmark_candidates(pass, handle, d, buffers, most, device);
  }
  cudnnStatus_t last = CUDNN_STATUS_NOT_SUPPORTED;
  for (const Candidate& c : candidates) {
    if (!usable(c)) continue;
    cudnnMathType_t math = fma_only(problem) ? CUDNN_FMA_MATH : c.math_type;
    d.conv.set_math_type(math);
    size_t bytes = 0;
    last = workspace_size(pass, handle, d, c.algo, &bytes);
    if (last != CUDNN_STATUS_SUCCESS) continue;
    Tensor ws = cached_workspace(bytes, device);
    if (!ws.defined()) continue;
    last = execute(pass, handle, d, c.algo, buffers, bytes ? ws.data_ptr() : nullptr, bytes,
                   problem.data_type);
    if (last == CUDNN_STATUS_SUCCESS) {
      chosen = ConvAlgorithm{c.algo, math, bytes};
      std::lock_guard<std::mutex> lock(cache_mutex);
      algorithm_cache[key] = chosen;
      return chosen;
    }
  }
  SEMISAM_FAIL("conv3d ", pass_name(pass), ": no usable cuDNN algorithm",
               options.deterministic ? " (deterministic only)" : "", " for ", describe(problem),
               "; last status: ", cudnnGetErrorString(last));
}

const char* conv_algorithm_name(ConvPass pass, int algo) {
  static const char* const forward[] = {
      "IMPLICIT_GEMM", "IMPLICIT_PRECOMP_GEMM", "GEMM", "DIRECT", "FFT", "FFT_TILING",
      "WINOGRAD",      "WINOGRAD_NONFUSED"};
  static const char* const data[] = {"ALGO_0",     "ALGO_1",   "FFT",
                                     "FFT_TILING", "WINOGRAD", "WINOGRAD_NONFUSED"};
  static const char* const filter[] = {
      "ALGO_0", "ALGO_1", "FFT", "ALGO_3", "WINOGRAD", "WINOGRAD_NONFUSED", "FFT_TILING"};
  switch (pass) {
    case ConvPass::Forward: return algo >= 0 && algo < 8 ? forward[algo] : "?";
    case ConvPass::BackwardData: return algo >= 0 && algo < 6 ? data[algo] : "?";
    case ConvPass::BackwardFilter: return algo >= 0 && algo < 7 ? filter[algo] : "?";
  }
  return "?";
}

}  // namespace semisam::ops::cudak

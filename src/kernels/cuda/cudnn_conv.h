// One cuDNN 3-D convolution pass (forward, data gradient or filter gradient) on raw device
// buffers in NCDHW or channels-last layout, with the algorithm chosen once per problem and
// cached. Used by the conv3d CUDA backend and by bench/conv_layouts.cpp.
#pragma once

#include <cudnn.h>

#include <array>
#include <cstddef>
#include <string>

#include "kernels/conv3d.h"

namespace semisam::ops::cudak {

enum class ConvPass { Forward, BackwardData, BackwardFilter };
enum class ConvLayout { NCDHW, NDHWC };

struct ConvProblem {
  int batch = 0, in_channels = 0, out_channels = 0;
  std::array<int, 3> input{}, kernel{}, stride{{1, 1, 1}}, padding{}, output{};
  cudnnDataType_t data_type = CUDNN_DATA_FLOAT;  // FLOAT, DOUBLE or BFLOAT16 (float accumulation)
  ConvLayout layout = ConvLayout::NCDHW;
  bool allow_tf32 = false;  // FLOAT data only: CUDNN_DEFAULT_MATH instead of CUDNN_FMA_MATH
};

// The problem of an input [N, C, D, H, W] and weight [K, C, kD, kH, kW] (PyTorch's shapes,
// whatever the layout in memory).
ConvProblem make_conv_problem(const Shape& input, const Shape& weight, const Conv3dParams& params,
                              cudnnDataType_t data_type, ConvLayout layout, bool allow_tf32);

struct ConvOptions {
  bool deterministic = true;
  ConvAlgoSearch search = ConvAlgoSearch::Heuristic;
};

// x: input activations, w: weights, y: output activations. Forward writes y from x and w;
// BackwardData writes x (the input gradient) from y (the output gradient) and w; BackwardFilter
// writes w (the weight gradient) from x and y. The written buffer is overwritten (beta = 0).
struct ConvBuffers {
  void* x = nullptr;
  void* w = nullptr;
  void* y = nullptr;
};

struct ConvAlgorithm {
  int algo = -1;  // the cudnnConvolution{Fwd,BwdData,BwdFilter}Algo_t value
  cudnnMathType_t math_type = CUDNN_DEFAULT_MATH;
  size_t workspace_bytes = 0;
};

// Runs one pass on the current stream of `device`, workspace from the library's allocator, and
// returns the algorithm used. The first call for a (problem, pass, options) tries the candidates
// in cuDNN's order (heuristic) or by measured time (benchmark), skipping nondeterministic ones
// when options.deterministic, and remembers the first that runs.
ConvAlgorithm run_conv_pass(ConvPass pass, const ConvProblem& problem, int device,
                            const ConvBuffers& buffers, const ConvOptions& options);

// The choices of Benchmark searches (heuristic ones are not stored: cuDNN's heuristics give the
// same answer every time), one line per problem and pass: "conv <22 key numbers> : <algorithm>
// <math type> <workspace bytes>". Import validates every line (errors name `source` and the line)
// and replaces cached choices for the same keys. Needs no GPU.
std::string export_benchmark_choices();
void import_benchmark_choices(const std::string& text, const std::string& source);

// "IMPLICIT_PRECOMP_GEMM", "ALGO_1", ... for reports.
const char* conv_algorithm_name(ConvPass pass, int algo);

}  // namespace semisam::ops::cudak

// CPU 3-D convolution. float32 (and the half types, through float32) runs on oneDNN when the
// build has it (cpu/conv3d_onednn.cpp); float64, and everything under
// CpuKernels::Reference, runs the reference: im2col / col2im around blocked matrix products,
// tasks on the shared pool that never write the same memory, the weight gradient summed over fixed
// groups of tasks in double in a fixed order, so its results do not depend on the thread count.
#include <type_traits>
#include <vector>

#include "kernels/conv3d.h"
#include "kernels/copy.h"
#include "kernels/cpu/conv3d_blas.h"
#include "kernels/cpu/conv3d_onednn.h"
#include "kernels/cpu_backend.h"
#include "kernels/cpu/conv3d_gemm.h"
#include "kernels/cpu/conv3d_im2col.h"

namespace semisam::ops::cpu {
namespace {

using conv_detail::ConvGeometry;
using conv_detail::gemm_accumulate;
using conv_detail::parallel_tasks;

// The weight gradient is reduced over this many groups of tasks (a constant, so the rounding
// does not change with the machine).
constexpr int64_t kWeightGradGroups = 8;

template <typename T>
void forward_impl(const Tensor& input, const Tensor& weight, const Tensor& bias,
                  const Conv3dParams& params, const Tensor& out) {
  ConvGeometry g(input.shape(), weight.shape(), params);
  const int64_t rows = g.in_channels * g.kernel_volume;
  const int64_t chunk = conv_detail::chunk_columns<T>(rows, g.out_volume);
  const int64_t chunks = (g.out_volume + chunk - 1) / chunk;
  const T* x = input.data<T>();
  const T* w = weight.data<T>();
  const T* b = bias.defined() ? bias.data<T>() : nullptr;
  T* y = out.data<T>();
  const int64_t work = g.batch * g.out_channels * rows * g.out_volume;
  parallel_tasks(g.batch * chunks, work, [&](int64_t task) {
    int64_t n = task / chunks, p0 = (task % chunks) * chunk;
    int64_t count = std::min(chunk, g.out_volume - p0);
    std::vector<T> col(size_t(rows * count));
    conv_detail::im2col(g, x + n * g.in_channels * g.in_volume, p0, count, col.data());
    T* y_block = y + n * g.out_channels * g.out_volume + p0;
    for (int64_t co = 0; co < g.out_channels; ++co)
      std::fill(y_block + co * g.out_volume, y_block + co * g.out_volume + count, b ? b[co] : T(0));
    gemm_accumulate(g.out_channels, count, rows, w, rows, col.data(), count, y_block, g.out_volume);
  });
}

// One task per (sample, input channel): it owns that channel of grad_input, so the col2im
// additions never conflict. Per block of output positions, rows = W[:, ci]ᵀ · dy (the gradient
// of every patch entry of channel ci), then col2im adds them back.
template <typename T>
void backward_input_impl(const Tensor& grad_output, const Tensor& weight,
                         const Conv3dParams& params, const Tensor& grad_input) {
  ConvGeometry g(grad_input.shape(), weight.shape(), params);
  const int64_t k = g.kernel_volume;
  // w_t[ci] = W[:, ci, ...]ᵀ, a [k × Cout] matrix per input channel.
  const T* w = weight.data<T>();
  std::vector<T> w_t(size_t(g.in_channels * k * g.out_channels));
  for (int64_t co = 0; co < g.out_channels; ++co)
    for (int64_t ci = 0; ci < g.in_channels; ++ci)
      for (int64_t t = 0; t < k; ++t)
        w_t[size_t((ci * k + t) * g.out_channels + co)] = w[(co * g.in_channels + ci) * k + t];
  const int64_t chunk = conv_detail::chunk_columns<T>(k + g.out_channels, g.out_volume);
  const T* dy = grad_output.data<T>();
  T* dx = grad_input.data<T>();
  const int64_t work = g.batch * g.in_channels * k * g.out_channels * g.out_volume;
  parallel_tasks(g.batch * g.in_channels, work, [&](int64_t task) {
    int64_t n = task / g.in_channels, ci = task % g.in_channels;
    T* dx_channel = dx + (n * g.in_channels + ci) * g.in_volume;
    std::fill(dx_channel, dx_channel + g.in_volume, T(0));
    std::vector<T> rows(size_t(k * chunk));
    for (int64_t p0 = 0; p0 < g.out_volume; p0 += chunk) {
      int64_t count = std::min(chunk, g.out_volume - p0);
      std::fill(rows.begin(), rows.begin() + k * count, T(0));
      gemm_accumulate(k, count, g.out_channels, w_t.data() + ci * k * g.out_channels,
                      g.out_channels, dy + n * g.out_channels * g.out_volume + p0, g.out_volume,
                      rows.data(), count);
      conv_detail::col2im_add(g, rows.data(), p0, count, dx_channel);
    }
  });
}

template <typename T>
void backward_weight_impl(const Tensor& grad_output, const Tensor& input,
                          const Conv3dParams& params, const Tensor& grad_weight) {
  ConvGeometry g(input.shape(), grad_weight.shape(), params);
  const int64_t rows = g.in_channels * g.kernel_volume;
  const int64_t chunk = conv_detail::chunk_columns<T>(rows, g.out_volume);
  const int64_t chunks = (g.out_volume + chunk - 1) / chunk;
  const int64_t tasks = g.batch * chunks;
  const int64_t groups = std::min(tasks, kWeightGradGroups);
  const size_t wsize = size_t(g.out_channels * rows);
  const T* x = input.data<T>();
  const T* dy = grad_output.data<T>();
  std::vector<std::vector<double>> group_sums(static_cast<size_t>(groups));
  const int64_t work = g.batch * g.out_channels * rows * g.out_volume;
  parallel_tasks(groups, work, [&](int64_t group) {
    std::vector<double> sum(wsize, 0.0);
    std::vector<T> col(size_t(rows * chunk)), col_t(size_t(rows * chunk)), part(wsize);
    for (int64_t task = group * tasks / groups; task < (group + 1) * tasks / groups; ++task) {
      int64_t n = task / chunks, p0 = (task % chunks) * chunk;
      int64_t count = std::min(chunk, g.out_volume - p0);
      conv_detail::im2col(g, x + n * g.in_channels * g.in_volume, p0, count, col.data());
      conv_detail::transpose(col.data(), rows, count, col_t.data());
      std::fill(part.begin(), part.end(), T(0));
      // dW[co][r] += Σ_j dy[co][p0 + j] · col[r][j]
      gemm_accumulate(g.out_channels, rows, count, dy + n * g.out_channels * g.out_volume + p0,
                      g.out_volume, col_t.data(), rows, part.data(), rows);
      for (size_t i = 0; i < wsize; ++i) sum[i] += double(part[i]);
    }
    group_sums[size_t(group)] = std::move(sum);
  });
  T* dw = grad_weight.data<T>();
  for (size_t i = 0; i < wsize; ++i) {
    double total = 0;
    for (const auto& s : group_sums) total += s[i];
    dw[i] = T(total);
  }
}

template <typename T>
void backward_bias_impl(const Tensor& grad_output, const Tensor& grad_bias) {
  int64_t batch = grad_output.size(0), channels = grad_output.size(1);
  int64_t volume = grad_output.numel() / std::max<int64_t>(1, batch * channels);
  const T* dy = grad_output.data<T>();
  T* db = grad_bias.data<T>();
  for (int64_t c = 0; c < channels; ++c) {
    double total = 0;
    for (int64_t n = 0; n < batch; ++n) {
      const T* p = dy + (n * channels + c) * volume;
      for (int64_t i = 0; i < volume; ++i) total += double(p[i]);
    }
    db[c] = T(total);
  }
}

// Runs fn<float|double>(operands..., out); half-precision operands go through float32 copies.
template <typename Fn>
void with_float_types(const char* op, const std::vector<Tensor>& operands, const Tensor& out,
                      Fn&& fn) {
  DType dtype = out.dtype();
  if (dtype == DType::Float32 || dtype == DType::Float64) {
    if (dtype == DType::Float32)
      fn(float{}, operands, out);
    else
      fn(double{}, operands, out);
    return;
  }
  SEMISAM_CHECK(dtype == DType::BFloat16 || dtype == DType::Float16, op, ": unsupported dtype ",
                dtype_name(dtype));
  std::vector<Tensor> wide;
  for (const Tensor& t : operands) wide.push_back(t.defined() ? cast(t, DType::Float32) : t);
  Tensor wide_out = Tensor::empty(out.shape(), DType::Float32, out.device());
  fn(float{}, wide, wide_out);
  copy_(out, wide_out);
}

// The fast path applies: float32 compute, fast kernels selected and built, a shape oneDNN takes.
template <typename T>
bool fast_conv(DType dtype, const Shape& input, const Shape& weight, const Conv3dParams& params) {
  if constexpr (std::is_same_v<T, float>) {
    return use_fast_conv(dtype) && onednn::supports(input, weight, params);
  } else {
    return false;
  }
}

// The weight gradient's fast path: im2col + OpenBLAS (faster than oneDNN 2.6's GEMM fallback for
// this pass, docs/performance.md), oneDNN when the build has no OpenBLAS.
template <typename T>
bool fast_weight_grad_blas(DType dtype) {
  if constexpr (std::is_same_v<T, float>) {
    return use_fast_gemm(dtype) && use_fast_conv(dtype);
  } else {
    return false;
  }
}

}  // namespace

void conv3d_forward(const Tensor& input, const Tensor& weight, const Tensor& bias,
                    const Conv3dParams& params, const Tensor& out) {
  with_float_types("conv3d", {input, weight, bias}, out,
                   [&](auto tag, const std::vector<Tensor>& t, const Tensor& o) {
                     using T = decltype(tag);
                     if (fast_conv<T>(out.dtype(), input.shape(), weight.shape(), params))
                       onednn::conv3d_forward(t[0], t[1], t[2], params, o);
                     else
                       forward_impl<T>(t[0], t[1], t[2], params, o);
                   });
}

void conv3d_backward_input(const Tensor& grad_output, const Tensor& weight,
                           const Conv3dParams& params, const Tensor& grad_input) {
  with_float_types(
      "conv3d_backward_input", {grad_output, weight}, grad_input,
      [&](auto tag, const std::vector<Tensor>& t, const Tensor& o) {
        using T = decltype(tag);
        if (fast_conv<T>(grad_input.dtype(), grad_input.shape(), weight.shape(), params))
          onednn::conv3d_backward_input(t[0], t[1], params, o);
        else
          backward_input_impl<T>(t[0], t[1], params, o);
      });
}

void conv3d_backward_weight(const Tensor& grad_output, const Tensor& input,
                            const Conv3dParams& params, const Tensor& grad_weight) {
  with_float_types(
      "conv3d_backward_weight", {grad_output, input}, grad_weight,
      [&](auto tag, const std::vector<Tensor>& t, const Tensor& o) {
        using T = decltype(tag);
        if (fast_weight_grad_blas<T>(grad_weight.dtype()))
          openblas::conv3d_backward_weight(t[0], t[1], params, o);
        else if (fast_conv<T>(grad_weight.dtype(), input.shape(), grad_weight.shape(), params))
          onednn::conv3d_backward_weight(t[0], t[1], params, o);
        else
          backward_weight_impl<T>(t[0], t[1], params, o);
      });
}

void conv3d_backward_bias(const Tensor& grad_output, const Tensor& grad_bias) {
  with_float_types("conv3d_backward_bias", {grad_output}, grad_bias,
                   [&](auto tag, const std::vector<Tensor>& t, const Tensor& o) {
                     backward_bias_impl<decltype(tag)>(t[0], o);
                   });
}

}  // namespace semisam::ops::cpu

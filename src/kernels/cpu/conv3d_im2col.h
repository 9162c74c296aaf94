// Geometry of one 3-D convolution and the two index maps the CPU convolution is built from:
// im2col (input patches under each output position) and col2im (its adjoint, adding patch values
// back onto one input channel). Internal to src/kernels/cpu/conv3d*.cpp.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/conv3d.h"

namespace semisam::ops::cpu::conv_detail {

struct ConvGeometry {
  int64_t batch = 0, in_channels = 0, out_channels = 0;
  int64_t in[3] = {0, 0, 0}, out[3] = {0, 0, 0}, kernel[3] = {0, 0, 0};
  int64_t stride[3] = {1, 1, 1}, pad[3] = {0, 0, 0};
  int64_t in_volume = 0, out_volume = 0, kernel_volume = 0;

  ConvGeometry(const Shape& input, const Shape& weight, const Conv3dParams& params) {
    Shape output = conv3d_output_shape(input, weight, params);
    batch = input[0];
    in_channels = input[1];
    out_channels = weight[0];
    for (int d = 0; d < 3; ++d) {
      in[d] = input[2 + d];
      out[d] = output[2 + d];
      kernel[d] = weight[2 + d];
      stride[d] = params.stride[d];
      pad[d] = params.padding[d];
    }
    in_volume = in[0] * in[1] * in[2];
    out_volume = out[0] * out[1] * out[2];
    kernel_volume = kernel[0] * kernel[1] * kernel[2];
  }
};

inline bool in_range(int64_t i, int64_t size) { return i >= 0 && i < size; }

// col[r][j] = x[ci][output position p0 + j shifted by kernel offset (a, b, c)] or 0 in the
// padding, for r = ((ci·kD + a)·kH + b)·kW + c: the order of a weight row [Cin, kD, kH, kW].
// x is one sample [Cin][D·H·W]; col holds Cin·kD·kH·kW rows of `count` columns.
template <typename T>
void im2col(const ConvGeometry& g, const T* x, int64_t p0, int64_t count, T* col) {
  const int64_t plane = g.out[1] * g.out[2];
  T* row = col;
  for (int64_t ci = 0; ci < g.in_channels; ++ci) {
    const T* xc = x + ci * g.in_volume;
    for (int64_t a = 0; a < g.kernel[0]; ++a)
      for (int64_t b = 0; b < g.kernel[1]; ++b)
        for (int64_t c = 0; c < g.kernel[2]; ++c) {
          int64_t od = p0 / plane, oh = (p0 / g.out[2]) % g.out[1], ow = p0 % g.out[2];
          // Walk the positions one output row (fixed od, oh) at a time.
          for (int64_t j = 0; j < count;) {
            int64_t run = std::min(g.out[2] - ow, count - j);
            int64_t id = od * g.stride[0] - g.pad[0] + a, ih = oh * g.stride[1] - g.pad[1] + b;
            if (!in_range(id, g.in[0]) || !in_range(ih, g.in[1])) {
              std::fill(row + j, row + j + run, T(0));
            } else {
              const T* xrow = xc + (id * g.in[1] + ih) * g.in[2];
              // iw = (ow + r)·stride − pad + c lies inside [0, W) for r in [lo, hi): zeros, a
              // plain (for stride 1, contiguous) copy, zeros.
              const int64_t s = g.stride[2], first = ow * s - g.pad[2] + c;
              int64_t lo = first >= 0 ? 0 : (-first + s - 1) / s;
              int64_t hi = g.in[2] - first <= 0 ? 0 : (g.in[2] - first + s - 1) / s;
              lo = std::min(lo, run);
              hi = std::clamp(hi, lo, run);
              std::fill(row + j, row + j + lo, T(0));
              if (s == 1) {
                std::copy(xrow + first + lo, xrow + first + hi, row + j + lo);
              } else {
                for (int64_t r = lo; r < hi; ++r) row[j + r] = xrow[first + r * s];
              }
              std::fill(row + j + hi, row + j + run, T(0));
            }
            j += run;
            ow += run;
            if (ow == g.out[2]) {
              ow = 0;
              if (++oh == g.out[1]) {
                oh = 0;
                ++od;
              }
            }
          }
          row += count;
        }
  }
}

// The inverse direction of im2col for one channel: adds rows[t][j] (t = (a·kH + b)·kW + c, the
// kernel offsets of one input channel) to x_grad at the input position that output position
// p0 + j reads through offset t; entries that fall in the padding are dropped. Sequential, so a
// task that owns x_grad's channel can call it without conflicts.
template <typename T>
void col2im_add(const ConvGeometry& g, const T* rows, int64_t p0, int64_t count, T* x_grad) {
  const int64_t plane = g.out[1] * g.out[2];
  const T* row = rows;
  for (int64_t a = 0; a < g.kernel[0]; ++a)
    for (int64_t b = 0; b < g.kernel[1]; ++b)
      for (int64_t c = 0; c < g.kernel[2]; ++c) {
        int64_t od = p0 / plane, oh = (p0 / g.out[2]) % g.out[1], ow = p0 % g.out[2];
        for (int64_t j = 0; j < count;) {
          int64_t run = std::min(g.out[2] - ow, count - j);
          int64_t id = od * g.stride[0] - g.pad[0] + a, ih = oh * g.stride[1] - g.pad[1] + b;
          if (in_range(id, g.in[0]) && in_range(ih, g.in[1])) {
            T* xrow = x_grad + (id * g.in[1] + ih) * g.in[2];
            for (int64_t r = 0; r < run; ++r) {
              int64_t iw = (ow + r) * g.stride[2] - g.pad[2] + c;
              if (in_range(iw, g.in[2])) xrow[iw] += row[j + r];
            }
          }
          j += run;
          ow += run;
          if (ow == g.out[2]) {
            ow = 0;
            if (++oh == g.out[1]) {
              oh = 0;
              ++od;
            }
          }
        }
        row += count;
      }
}

// Columns per task: keep one task's gathered matrix near 512 KB so the repeated passes of the
// matrix product over it stay in cache.
template <typename T>
int64_t chunk_columns(int64_t rows, int64_t volume) {
  int64_t cols = int64_t(1 << 19) / std::max<int64_t>(1, rows * int64_t(sizeof(T)));
  return std::min(std::clamp<int64_t>(cols, 64, 4096), volume);
}

}  // namespace semisam::ops::cpu::conv_detail

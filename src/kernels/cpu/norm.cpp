// CPU normalisations: plain loops, statistics and sums in double (vectorised reductions, so the
// order of the additions is the vector unit's, fixed for a build), two passes; independent planes
// or rows spread over the shared pool (the layer-norm backward, used by no training step, stays
// serial).
#include <cmath>
#include <vector>

#include "kernels/norm.h"

#include "tensor/parallel.h"

namespace semisam::ops::cpu {

namespace {

// One plane of the instance norm: mean, centred variance, x̂ = (x − μ)·r (and the ReLU), all in
// double. Relu is a template parameter and the ReLU a select, so every loop is branch-free and
// vectorises.
template <bool Relu, typename T>
void instance_norm_plane(const T* in, T* o, int64_t m, double eps, double& mean_out,
                         double& rstd_out) {
  double sum = 0;
#pragma omp simd reduction(+ : sum)
  for (int64_t i = 0; i < m; ++i) sum += double(in[i]);
  const double mu = sum / double(m);
  double sq = 0;
#pragma omp simd reduction(+ : sq)
  for (int64_t i = 0; i < m; ++i) sq += (double(in[i]) - mu) * (double(in[i]) - mu);
  const double r = 1.0 / std::sqrt(sq / double(m) + eps);
  mean_out = mu;
  rstd_out = r;
#pragma omp simd
  for (int64_t i = 0; i < m; ++i) {
    double v = (double(in[i]) - mu) * r;
    if constexpr (Relu) v = v > 0 ? v : 0.0;  // NaN → 0, as !(v > 0)
    o[i] = T(compute_t<T>(v));
  }
}

// With x̂ = (x − μ)·r and g' the gradient reaching x̂ (masked by the ReLU where x̂ ≤ 0):
// dx = r·(g' − mean(g') − x̂·mean(g'·x̂)).
template <bool Relu, typename T>
void instance_norm_backward_plane(const T* g, const T* in, T* d, int64_t m, double mu, double r) {
  double sum_g = 0, sum_gx = 0;
#pragma omp simd reduction(+ : sum_g, sum_gx)
  for (int64_t i = 0; i < m; ++i) {
    const double xhat = (double(in[i]) - mu) * r;
    const double gi = !Relu || xhat > 0 ? double(g[i]) : 0.0;
    sum_g += gi;
    sum_gx += gi * xhat;
  }
  const double mean_g = sum_g / double(m), mean_gx = sum_gx / double(m);
#pragma omp simd
  for (int64_t i = 0; i < m; ++i) {
    const double xhat = (double(in[i]) - mu) * r;
    const double gi = !Relu || xhat > 0 ? double(g[i]) : 0.0;
    d[i] = T(compute_t<T>(r * (gi - mean_g - xhat * mean_gx)));
  }
}

}  // namespace

void instance_norm(const Tensor& x, int64_t planes, double eps, bool relu, const Tensor& out,
                   const Tensor& mean, const Tensor& rstd) {
  const int64_t m = x.numel() / planes;
  dispatch_floating("instance_norm", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using S = acc_t<T>;
    parallel_for(planes, 1, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        double mu = 0, r = 0;
        if (relu)
          instance_norm_plane<true>(x.data<T>() + p * m, out.data<T>() + p * m, m, eps, mu, r);
        else
          instance_norm_plane<false>(x.data<T>() + p * m, out.data<T>() + p * m, m, eps, mu, r);
        mean.data<S>()[p] = S(mu);
        rstd.data<S>()[p] = S(r);
      }
    });
  });
}

void instance_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& mean,
                            const Tensor& rstd, int64_t planes, bool relu, const Tensor& dx) {
  const int64_t m = x.numel() / planes;
  dispatch_floating("instance_norm_backward", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using S = acc_t<T>;
    parallel_for(planes, 1, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        const T* in = x.data<T>() + p * m;
        const T* g = grad_out.data<T>() + p * m;
        T* d = dx.data<T>() + p * m;
        const double mu = double(mean.data<S>()[p]), r = double(rstd.data<S>()[p]);
        if (relu)
          instance_norm_backward_plane<true>(g, in, d, m, mu, r);
        else
          instance_norm_backward_plane<false>(g, in, d, m, mu, r);
      }
    });
  });
}

void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, AxisSplit s, double eps,
                const Tensor& out, const Tensor& mean, const Tensor& rstd) {
  dispatch_floating("layer_norm", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using S = acc_t<T>;
    const T* in = x.data<T>();
    T* o = out.data<T>();
    const S* w = weight.data<S>();
    const S* b = bias.data<S>();
    parallel_for(s.outer * s.inner, grain_for(4 * s.size), [&](int64_t r0, int64_t r1) {
      for (int64_t rr = r0; rr < r1; ++rr) {
        const int64_t outer = rr / s.inner, inner = rr % s.inner;
        int64_t base = outer * s.size * s.inner + inner;
        double sum = 0;
        for (int64_t k = 0; k < s.size; ++k) sum += double(in[base + k * s.inner]);
        double mu = sum / double(s.size);
        double sq = 0;
        for (int64_t k = 0; k < s.size; ++k) {
          double c = double(in[base + k * s.inner]) - mu;
          sq += c * c;
        }
        double r = 1.0 / std::sqrt(sq / double(s.size) + eps);
        int64_t row = outer * s.inner + inner;
        mean.data<S>()[row] = S(mu);
        rstd.data<S>()[row] = S(r);
        for (int64_t k = 0; k < s.size; ++k) {
          double xhat = (double(in[base + k * s.inner]) - mu) * r;
          o[base + k * s.inner] = T(compute_t<T>(xhat * double(w[k]) + double(b[k])));
        }
      }
    });
  });
}

void layer_norm_backward(const Tensor& grad_out, const Tensor& x, const Tensor& weight,
                         const Tensor& mean, const Tensor& rstd, AxisSplit s, const Tensor& dx,
                         const Tensor& dweight, const Tensor& dbias) {
  dispatch_floating("layer_norm_backward", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using S = acc_t<T>;
    const T* in = x.data<T>();
    const T* g = grad_out.data<T>();
    T* d = dx.data<T>();
    const S* w = weight.data<S>();
    std::vector<double> dw(size_t(s.size), 0.0), db(size_t(s.size), 0.0);
    for (int64_t outer = 0; outer < s.outer; ++outer)
      for (int64_t inner = 0; inner < s.inner; ++inner) {
        int64_t base = outer * s.size * s.inner + inner;
        int64_t row = outer * s.inner + inner;
        double mu = double(mean.data<S>()[row]), r = double(rstd.data<S>()[row]);
        // g' = g·w reaches x̂; dx = r·(g' − mean(g') − x̂·mean(g'·x̂)) over the axis.
        double sum_g = 0, sum_gx = 0;
        for (int64_t k = 0; k < s.size; ++k) {
          int64_t e = base + k * s.inner;
          double xhat = (double(in[e]) - mu) * r;
          double gw = double(g[e]) * double(w[k]);
          sum_g += gw;
          sum_gx += gw * xhat;
          dw[size_t(k)] += double(g[e]) * xhat;
          db[size_t(k)] += double(g[e]);
        }
        double n = double(s.size);
        for (int64_t k = 0; k < s.size; ++k) {
          int64_t e = base + k * s.inner;
          double xhat = (double(in[e]) - mu) * r;
          double gw = double(g[e]) * double(w[k]);
          d[e] = T(compute_t<T>(r * (gw - sum_g / n - xhat * sum_gx / n)));
        }
      }
    for (int64_t k = 0; k < s.size; ++k) {
      dweight.data<S>()[k] = S(dw[size_t(k)]);
      dbias.data<S>()[k] = S(db[size_t(k)]);
    }
  });
}

}  // namespace semisam::ops::cpu

// oneDNN 3-D convolution: primitives cached per shape, operands reordered between our NCDHW
// tensors and the layouts oneDNN chose, scratch memory from the tensor allocator (so the caching
// host allocator serves it).
#include "kernels/cpu/conv3d_onednn.h"

#if SEMISAM_HAS_ONEDNN

#include <oneapi/dnnl/dnnl.hpp>

#include <map>
#include <mutex>
#include <tuple>

#include "tensor/error.h"
#include "tensor/parallel.h"

namespace semisam::ops::cpu::onednn {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

memory::dims dims_of(const Shape& shape) { return memory::dims(shape.begin(), shape.end()); }

std::array<int64_t, 3> right_padding(const Shape& input, const Shape& weight,
                                     const Conv3dParams& p) {
  Shape out = conv3d_output_shape(input, weight, p);
  std::array<int64_t, 3> r{};
  for (int d = 0; d < 3; ++d)
    r[d] = (out[2 + d] - 1) * p.stride[d] + weight[2 + d] - input[2 + d] - p.padding[d];
  return r;
}

enum class Pass { Forward, BackwardData, BackwardWeights };

// One cached set of primitive descriptors and primitives per (pass, shapes, params, bias).
struct Key {
  Pass pass;
  Shape input, weight;
  std::array<int64_t, 3> stride, padding;
  bool bias;
  bool operator<(const Key& o) const {
    return std::tie(pass, input, weight, stride, padding, bias) <
           std::tie(o.pass, o.input, o.weight, o.stride, o.padding, o.bias);
  }
};

struct Prepared {
  dnnl::convolution_forward::primitive_desc forward_pd;
  dnnl::primitive primitive;
  // Descriptors of the primitive's own operands (blocked layouts).
  memory::desc a, b, c;  // forward: src, weights, dst; backward data: diff_dst, weights, diff_src;
                         // backward weights: src, diff_dst, diff_weights
};

// The descriptors every pass of one convolution shares: operands in layouts left to oneDNN
// ("any"), strides and paddings (the right padding made to fit the floored output size).
struct ConvDescs {
  memory::desc src, weights, dst;
  memory::dims strides, padding_l, padding_r;
  explicit ConvDescs(const Key& k) {
    auto any = [](const Shape& s) {
      return memory::desc(dims_of(s), memory::data_type::f32, Tag::any);
    };
    const Conv3dParams params{k.stride, k.padding};
    src = any(k.input);
    weights = any(k.weight);
    dst = any(conv3d_output_shape(k.input, k.weight, params));
    auto rp = right_padding(k.input, k.weight, params);
    strides.assign(k.stride.begin(), k.stride.end());
    padding_l.assign(k.padding.begin(), k.padding.end());
    padding_r.assign(rp.begin(), rp.end());
  }
};

dnnl::convolution_forward::primitive_desc make_forward_pd(const Key& k, const ConvDescs& d) {
  const auto prop = dnnl::prop_kind::forward_training;
  const auto direct = dnnl::algorithm::convolution_direct;
  if (k.bias) {
    memory::desc bias(dims_of({k.weight[0]}), memory::data_type::f32, Tag::x);
    return {dnnl::convolution_forward::desc(prop, direct, d.src, d.weights, bias, d.dst, d.strides,
                                            d.padding_l, d.padding_r),
            cpu_engine()};
  }
  return {dnnl::convolution_forward::desc(prop, direct, d.src, d.weights, d.dst, d.strides,
                                          d.padding_l, d.padding_r),
          cpu_engine()};
}

Prepared prepare(const Key& k) {
  const ConvDescs d(k);
  Prepared p{make_forward_pd(k, d), {}, {}, {}, {}};
  const auto direct = dnnl::algorithm::convolution_direct;
  switch (k.pass) {
    case Pass::Forward:
      p.primitive = dnnl::convolution_forward(p.forward_pd);
      p.a = p.forward_pd.src_desc();
      p.b = p.forward_pd.weights_desc();
      p.c = p.forward_pd.dst_desc();
      break;
    case Pass::BackwardData: {
      dnnl::convolution_backward_data::primitive_desc pd(
          {direct, d.src, d.weights, d.dst, d.strides, d.padding_l, d.padding_r}, cpu_engine(),
          p.forward_pd);
      p.primitive = dnnl::convolution_backward_data(pd);
      p.a = pd.diff_dst_desc();
      p.b = pd.weights_desc();
      p.c = pd.diff_src_desc();
      break;
    }
    case Pass::BackwardWeights: {
      dnnl::convolution_backward_weights::primitive_desc pd(
          {direct, d.src, d.weights, d.dst, d.strides, d.padding_l, d.padding_r}, cpu_engine(),
          p.forward_pd);
      p.primitive = dnnl::convolution_backward_weights(pd);
      p.a = pd.src_desc();
      p.b = pd.diff_dst_desc();
      p.c = pd.diff_weights_desc();
      break;
    }
  }
  return p;
}

const Prepared& prepared(const Key& key) {
  static std::mutex mutex;
  static std::map<Key, Prepared> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, prepare(key)).first;
  return it->second;
}

// A plain (NCDHW or OIDHW) view of a tensor, and the same data in the layout `want`: the
// original memory when the layouts agree, otherwise a reordered copy in `scratch`.
struct Operand {
  memory user, prim;
  Tensor scratch;
};

memory plain(const Tensor& t) {
  Tag tag = t.dim() == 5 ? Tag::abcde : Tag::a;
  return memory(memory::desc(dims_of(t.shape()), memory::data_type::f32, tag), cpu_engine(),
                t.data_ptr());
}

Operand input_operand(const Tensor& t, const memory::desc& want, dnnl::stream& s) {
  Operand o{plain(t), {}, {}};
  if (o.user.get_desc() == want) {
    o.prim = o.user;
    return o;
  }
  o.scratch = Tensor::empty({int64_t((want.get_size() + 3) / 4)}, DType::Float32);
  o.prim = memory(want, cpu_engine(), o.scratch.data_ptr());
  dnnl::reorder(o.user, o.prim).execute(s, o.user, o.prim);
  return o;
}

Operand output_operand(const Tensor& t, const memory::desc& want) {
  Operand o{plain(t), {}, {}};
  if (o.user.get_desc() == want) {
    o.prim = o.user;
    return o;
  }
  o.scratch = Tensor::empty({int64_t((want.get_size() + 3) / 4)}, DType::Float32);
  o.prim = memory(want, cpu_engine(), o.scratch.data_ptr());
  return o;
}

void finish_output(Operand& o, dnnl::stream& s) {
  if (o.prim.get_data_handle() != o.user.get_data_handle())
    dnnl::reorder(o.prim, o.user).execute(s, o.prim, o.user);
}

Key key_of(Pass pass, const Shape& input, const Shape& weight, const Conv3dParams& p, bool bias) {
  return Key{pass, input, weight, p.stride, p.padding, bias};
}

// Runs fn(stream) with the pool at the configured size; oneDNN errors become semisam errors.
template <typename Fn>
void run(const char* op, Fn&& fn) {
  semisam::parallel_detail::apply_thread_count();
  try {
    dnnl::stream s(cpu_engine());
    fn(s);
    s.wait();
  } catch (const dnnl::error& e) {
    SEMISAM_FAIL(op, ": oneDNN failed: ", e.what());
  }
}

}  // namespace

bool supports(const Shape& input, const Shape& weight, const Conv3dParams& params) {
  auto rp = right_padding(input, weight, params);
  for (int64_t r : rp)
    if (r < 0) return false;
  return true;
}

namespace {

// One pass: operands a and b in, c out (see Prepared), with oneDNN's argument names for each,
// reordered to the primitive's layouts and c reordered back; the bias, when given, as it is.
void execute_pass(const char* op, Pass pass, const Shape& input_shape, const Shape& weight_shape,
                  const Conv3dParams& params, const Tensor& a, int a_arg, const Tensor& b,
                  int b_arg, const Tensor& c, int c_arg, const Tensor& bias) {
  run(op, [&](dnnl::stream& s) {
    const Prepared& p = prepared(key_of(pass, input_shape, weight_shape, params, bias.defined()));
    Operand in_a = input_operand(a, p.a, s), in_b = input_operand(b, p.b, s);
    Operand out = output_operand(c, p.c);
    std::unordered_map<int, memory> args{{a_arg, in_a.prim}, {b_arg, in_b.prim}, {c_arg, out.prim}};
    if (bias.defined()) args.emplace(DNNL_ARG_BIAS, plain(bias));
    p.primitive.execute(s, args);
    finish_output(out, s);
  });
}

}  // namespace

void conv3d_forward(const Tensor& input, const Tensor& weight, const Tensor& bias,
                    const Conv3dParams& params, const Tensor& out) {
  execute_pass("conv3d", Pass::Forward, input.shape(), weight.shape(), params, input, DNNL_ARG_SRC,
               weight, DNNL_ARG_WEIGHTS, out, DNNL_ARG_DST, bias);
}

void conv3d_backward_input(const Tensor& grad_output, const Tensor& weight,
                           const Conv3dParams& params, const Tensor& grad_input) {
  execute_pass("conv3d_backward_input", Pass::BackwardData, grad_input.shape(), weight.shape(),
               params, grad_output, DNNL_ARG_DIFF_DST, weight, DNNL_ARG_WEIGHTS, grad_input,
               DNNL_ARG_DIFF_SRC, Tensor());
}

void conv3d_backward_weight(const Tensor& grad_output, const Tensor& input,
                            const Conv3dParams& params, const Tensor& grad_weight) {
  execute_pass("conv3d_backward_weight", Pass::BackwardWeights, input.shape(), grad_weight.shape(),
               params, input, DNNL_ARG_SRC, grad_output, DNNL_ARG_DIFF_DST, grad_weight,
               DNNL_ARG_DIFF_WEIGHTS, Tensor());
}

}  // namespace semisam::ops::cpu::onednn

#else  // !SEMISAM_HAS_ONEDNN

#include "tensor/error.h"

namespace semisam::ops::cpu::onednn {
bool supports(const Shape&, const Shape&, const Conv3dParams&) { return false; }
void conv3d_forward(const Tensor&, const Tensor&, const Tensor&, const Conv3dParams&,
                    const Tensor&) {
  SEMISAM_FAIL("conv3d: this build has no oneDNN");
}
void conv3d_backward_input(const Tensor&, const Tensor&, const Conv3dParams&, const Tensor&) {
  SEMISAM_FAIL("conv3d_backward_input: this build has no oneDNN");
}
void conv3d_backward_weight(const Tensor&, const Tensor&, const Conv3dParams&, const Tensor&) {
  SEMISAM_FAIL("conv3d_backward_weight: this build has no oneDNN");
}
}  // namespace semisam::ops::cpu::onednn

#endif

// The networks on CUDA against the PyTorch fixtures (fp32 and tf32), and dropout masks that agree
// between the CPU and CUDA. Runs on the GPU machine; skips elsewhere.
#include "autograd/ops.h"
#include "kernels/precision.h"
#include "layers/loss.h"
#include "models/unet3d.h"
#include "network_fixture.h"

namespace semisam {
namespace {

struct PrecisionCase {
  ops::MathMode mode;
  double output_tol, grad_tol;
};

class UNetCudaParity : public ::testing::TestWithParam<PrecisionCase> {};

TEST_P(UNetCudaParity, ForwardAndGradientsMatchPyTorch) {
  SEMISAM_SKIP_WITHOUT_GPU();
  test::PoisonGuard poison;
  ops::MathModeGuard mode(GetParam().mode);
  io::h5::File file = io::h5::File::open(test::network_fixture("unet3d.h5"));
  auto params = test::read_group(file, "params");
  models::UNet3DOptions options;
  options.base_filters = test::find(params, "conv1.conv1.0.weight").size(0);
  options.dropout = 0.0;
  Generator gen(1);
  models::UNet3D net(options, gen);
  net.to(Device::cuda(0));
  net.load_parameters(params);
  ag::Variable input(ops::to_device(file.root().open_dataset("input").read(DType::Float32),
                                    Device::cuda(0)));
  Tensor label = ops::to_device(file.root().open_dataset("label").read(DType::UInt8), Device::cuda(0));
  ag::Variable seg = net.forward(input, gen).seg;
  EXPECT_LT(test::relative_error(seg.value(), test::read_f64(file, "outputs/seg")),
            GetParam().output_tol);
  ag::Variable loss = ag::mul(ag::add(layers::cross_entropy(seg, label), layers::dice_loss(seg, label)), 0.5);
  EXPECT_NEAR(ops::item(loss.value()), ops::item(test::read_f64(file, "loss")), GetParam().output_tol);
  loss.backward();
  test::expect_gradients_match(net, file, GetParam().grad_tol, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Precisions, UNetCudaParity,
                         ::testing::Values(PrecisionCase{ops::MathMode::FP32, 1e-4, 1e-3},
                                           PrecisionCase{ops::MathMode::TF32, 5e-3, 3e-2}),
                         [](const auto& info) {
                           return std::string(ops::math_mode_name(info.param.mode));
                         });

TEST(UNetCudaParity, DropoutMasksAgreeWithCpu) {
  SEMISAM_SKIP_WITHOUT_GPU();
  ops::MathModeGuard mode(ops::MathMode::FP32);
  models::UNet3DOptions options;
  options.base_filters = 2;  // dropout 0.3 stays on: training mode
  Generator init_cpu(4), init_gpu(4);
  models::UNet3D cpu_net(options, init_cpu), gpu_net(options, init_gpu);
  gpu_net.to(Device::cuda(0));
  Tensor x = test::random_tensor({2, 1, 32, 32, 32}, DType::Float32, 9);
  Generator drop_cpu(77), drop_gpu(77);
  Tensor a = cpu_net.forward(ag::Variable(x), drop_cpu).seg.value();
  Tensor b = gpu_net.forward(ag::Variable(ops::to_device(x, Device::cuda(0))), drop_gpu).seg.value();
  EXPECT_LT(test::relative_error(b, a), 1e-4);
  EXPECT_EQ(drop_cpu.offset(), drop_gpu.offset());
}

}  // namespace
}  // namespace semisam

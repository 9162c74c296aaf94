// The SAM-Med3D image encoder against PyTorch (tests/fixtures/make_sam_fixtures.py): the tiny
// configuration loaded from its .pth on the CPU in float64 and float32, the checkpoint key checks,
// and on CUDA the tiny run plus the full vit_b_ori fixture when SEMISAM_SAM_FIXTURE_DIR names it.
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "common/test_util.h"
#include "io/h5_file.h"
#include "io/pth_archive.h"
#include "kernels/copy.h"
#include "kernels/precision.h"
#include "models/sam_encoder.h"

namespace semisam {
namespace {

using models::SamImageEncoder;

std::string sam_fixture(const std::string& name) {
  return std::string(SEMISAM_TEST_DATA_DIR) + "/sam/" + name;
}

struct Fixture {
  Tensor input, output;  // float32 input, float64 reference output
};

Fixture read_fixture(const std::string& h5_path) {
  io::h5::File file = io::h5::File::open(h5_path);
  return {file.root().open_dataset("input").read(DType::Float32),
          file.root().open_dataset("output").read(DType::Float64)};
}

std::unique_ptr<SamImageEncoder> load_encoder(const models::SamEncoderOptions& options,
                                              const std::string& pth, DType dtype, Device device) {
  Generator gen(7);
  auto enc = std::make_unique<SamImageEncoder>(options, gen);
  enc->cast(dtype);
  enc->to(device);
  io::TensorMap weights = io::load_pth_tensors(pth, "model_state_dict", "image_encoder.");
  enc->load_parameters(std::vector<std::pair<std::string, Tensor>>(weights.begin(), weights.end()));
  return enc;
}

TEST(SamEncoder, ParameterNamesAreTheCheckpointKeys) {
  Generator gen(1);
  SamImageEncoder enc(models::sam_tiny_options(), gen);
  auto named = enc.named_parameters();
  // PyTorch's state_dict lists a module's own parameters before its children's.
  ASSERT_EQ(named.front().first, "pos_embed");
  EXPECT_EQ(named[1].first, "patch_embed.proj.weight");
  EXPECT_EQ(named[2].first, "patch_embed.proj.bias");
  EXPECT_EQ(named[3].first, "blocks.0.norm1.weight");
  // Same names in the same order as the checkpoint's image_encoder.* keys.
  io::TensorMap keys =
      io::load_pth_tensors(sam_fixture("tiny_encoder.pth"), "model_state_dict", "image_encoder.");
  ASSERT_EQ(keys.size(), named.size());
  for (size_t i = 0; i < named.size(); ++i) EXPECT_EQ(keys.names()[i], named[i].first) << i;
  EXPECT_EQ(enc.parameter("blocks.0.attn.rel_pos_d").shape(), (Shape{11, 16}));  // window 6
  EXPECT_EQ(enc.parameter("blocks.1.attn.rel_pos_w").shape(), (Shape{7, 16}));   // global, grid 4
  EXPECT_EQ(named.back().first, "neck.3.bias");
  // 4 + 13 per block + 6 neck tensors.
  EXPECT_EQ(named.size(), size_t(3 + 3 * 15 + 6));
}

TEST(SamEncoder, TinyFloat64MatchesPyTorch) {
  Fixture f = read_fixture(sam_fixture("tiny_encoder.h5"));
  auto enc = load_encoder(models::sam_tiny_options(), sam_fixture("tiny_encoder.pth"),
                          DType::Float64, Device::cpu());
  Tensor out = enc->forward(ops::cast(f.input, DType::Float64));
  ASSERT_EQ(out.shape(), (Shape{1, 16, 4, 4, 4}));
  double err = test::relative_error(out, f.output);
  std::printf("tiny float64: relative error %.3g\n", err);
  EXPECT_LT(err, 1e-10);
}

// Window 3 on the 4³ grid: padded to 6³ and cut into 2×2×2 windows, so the partition and its
// inverse are exercised (vit_b_ori itself has one window).
TEST(SamEncoder, SeveralWindowsMatchPyTorch) {
  Fixture f = read_fixture(sam_fixture("tiny_windows_encoder.h5"));
  models::SamEncoderOptions options;
  options.img_size = 16;
  options.patch_size = 4;
  options.embed_dim = 16;
  options.depth = 2;
  options.num_heads = 2;
  options.window_size = 3;
  options.global_blocks = {1};
  options.out_channels = 8;
  auto enc = load_encoder(options, sam_fixture("tiny_windows_encoder.pth"), DType::Float64,
                          Device::cpu());
  double err = test::relative_error(enc->forward(ops::cast(f.input, DType::Float64)), f.output);
  std::printf("tiny_windows float64: relative error %.3g\n", err);
  EXPECT_LT(err, 1e-10);
}

TEST(SamEncoder, TinyFloat32MatchesPyTorch) {
  test::PoisonGuard poison;
  Fixture f = read_fixture(sam_fixture("tiny_encoder.h5"));
  auto enc = load_encoder(models::sam_tiny_options(), sam_fixture("tiny_encoder.pth"),
                          DType::Float32, Device::cpu());
  Tensor out = enc->forward(f.input);
  EXPECT_EQ(out.dtype(), DType::Float32);
  double err = test::relative_error(out, f.output);
  std::printf("tiny float32: relative error %.3g\n", err);
  EXPECT_LT(err, 1e-5);
}

TEST(SamEncoder, WrongConfigurationNamesTheOffendingKey) {
  models::SamEncoderOptions options = models::sam_tiny_options();
  options.depth = 2;  // the checkpoint has blocks.2.*: unexpected keys
  options.global_blocks = {1};
  try {
    load_encoder(options, sam_fixture("tiny_encoder.pth"), DType::Float32, Device::cpu());
    FAIL() << "loading a 3-block checkpoint into a 2-block encoder must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("blocks.2.attn.qkv.weight"), std::string::npos) << e.what();
  }
  options = models::sam_tiny_options();
  options.window_size = 5;  // rel_pos tables of window blocks change shape
  try {
    load_encoder(options, sam_fixture("tiny_encoder.pth"), DType::Float32, Device::cpu());
    FAIL() << "a rel_pos shape mismatch must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("blocks.0.attn.rel_pos_d"), std::string::npos) << e.what();
  }
}

TEST(SamEncoder, RejectsWrongInputShape) {
  Generator gen(1);
  SamImageEncoder enc(models::sam_tiny_options(), gen);
  EXPECT_THROW(enc.forward(Tensor::zeros({1, 1, 32, 32, 16}, DType::Float32)), Error);
}

TEST(SamEncoderCuda, TinyMatchesPyTorch) {
  SEMISAM_SKIP_WITHOUT_GPU();
  Fixture f = read_fixture(sam_fixture("tiny_encoder.h5"));
  auto enc = load_encoder(models::sam_tiny_options(), sam_fixture("tiny_encoder.pth"),
                          DType::Float32, Device::cuda(0));
  for (const char* mode : {"fp32", "tf32", "bf16"}) {
    ops::MathModeGuard guard(ops::parse_math_mode(mode));
    Tensor out = enc->forward(ops::to_device(f.input, Device::cuda(0)));
    double tol = std::string(mode) == "fp32" ? 1e-5 : std::string(mode) == "tf32" ? 5e-3 : 3e-2;
    EXPECT_LT(test::relative_error(out, f.output), tol) << mode;
  }
}

// Full vit_b_ori from its .pth (make_sam_fixtures.py --config vit_b_ori --out DIR), when
// SEMISAM_SAM_FIXTURE_DIR=DIR is set on the GPU machine.
TEST(SamEncoderCuda, FullVitBOriMatchesPyTorch) {
  SEMISAM_SKIP_WITHOUT_GPU();
  const char* dir = std::getenv("SEMISAM_SAM_FIXTURE_DIR");
  if (!dir) GTEST_SKIP() << "SEMISAM_SAM_FIXTURE_DIR not set (full vit_b_ori fixture)";
  std::string stem = std::string(dir) + "/vit_b_ori_encoder";
  if (!std::ifstream(stem + ".h5")) GTEST_SKIP() << stem << ".h5 not found";
  Fixture f = read_fixture(stem + ".h5");
  auto enc = load_encoder(models::sam_vit_b_ori(), stem + ".pth", DType::Float32, Device::cuda(0));
  for (const char* mode : {"fp32", "tf32", "bf16"}) {
    ops::MathModeGuard guard(ops::parse_math_mode(mode));
    Tensor out = enc->forward(ops::to_device(f.input, Device::cuda(0)));
    double err = test::relative_error(out, f.output);
    double tol = std::string(mode) == "fp32" ? 1e-4 : std::string(mode) == "tf32" ? 1e-2 : 5e-2;
    EXPECT_LT(err, tol) << mode;
    std::printf("vit_b_ori %s: relative error %.3g\n", mode, err);
  }
}

}  // namespace
}  // namespace semisam

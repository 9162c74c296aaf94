// `semisam test`: a trained model over a split list (SPEC §7): metrics, report, NIfTI predictions.
#include <memory>

#include "../command_registry.h"
#include "ssl/inference/evaluation_run.h"

namespace semisam::tools {
namespace {

struct TestArgs {
  ssl::EvaluationConfig config;
  std::vector<int64_t> patch_size;
};

RegisterCommand test_command{
    {"test", "Test a trained model: Dice, Jaccard, HD95, ASD per class (SPEC §7)",
     [](CLI::App& sub) -> std::function<int()> {
       auto a = std::make_shared<TestArgs>();
       ssl::EvaluationConfig& c = a->config;
       sub.add_option("--root_path", c.root_path, "Dataset root")->capture_default_str();
       sub.add_option("--ckpt", c.ckpt, "Checkpoint: semisam .h5 (e.g. model/<exp>/round2_best.h5) or reference unet_3D(_sdf) .pth")->required();
       sub.add_option("--test_list", c.test_list, "Split list under the root")->capture_default_str();
       sub.add_option("--stride_xy", c.stride_xy, "Sliding-window stride in x and y")->capture_default_str();
       sub.add_option("--stride_z", c.stride_z, "Sliding-window stride in z")->capture_default_str();
       sub.add_option("--num_classes", c.num_classes, "Classes (default: the checkpoint's)");
       sub.add_option("--patch_size", a->patch_size, "Window X Y Z (default: the checkpoint's)")->expected(3);
       sub.add_option("--save_pred", c.save_pred, "Folder for <case>_pred/_img/_gt.nii.gz");
       sub.add_option("--report", c.report, "Report file (default: test_report.txt, test_metrics.csv and summary.json beside the checkpoint)");
       sub.add_option("--image_key", c.image_key, "Image dataset name")->capture_default_str();
       sub.add_flag("--binary_label", c.binary_label, "Map every label > 0 to 1");
       sub.add_option("--preview_cases", c.preview_cases, "Cases with PNG slice previews in test_previews/ beside the report (0: none)")->check(CLI::NonNegativeNumber)->capture_default_str();
       sub.add_option("--preview_slices", c.preview_slices, "Axial slices per previewed case")->check(CLI::PositiveNumber)->capture_default_str();
       sub.add_option("--device", c.device, "auto (a GPU if visible, else the CPU), cuda, cuda:N or cpu")->capture_default_str();
       sub.add_option("--precision", c.precision, "fp32 | tf32 | bf16 compute")
           ->check(CLI::IsMember({"fp32", "tf32", "bf16"}))->capture_default_str();
       return [a] {
         ssl::EvaluationConfig config = a->config;
         if (!a->patch_size.empty()) config.patch_size = {a->patch_size[0], a->patch_size[1], a->patch_size[2]};
         ssl::RunLog log;
         ssl::run_evaluation(config, log);
         return 0;
       };
     }}};

}  // namespace
}  // namespace semisam::tools

// `semisam predict`: label maps (NIfTI, with each scan's geometry) for unlabelled scans.
#include <memory>

#include "../command_registry.h"
#include "ssl/inference/prediction_run.h"

namespace semisam::tools {
namespace {

// Exit status when the run finished but some case was skipped for an error (1 is a failed run).
constexpr int kSomeCasesSkipped = 3;

struct PredictArgs {
  ssl::PredictionConfig config;
  std::vector<int64_t> patch_size;
};

RegisterCommand predict_command{
    {"predict", "Segment new scans (file, folder or list of NIfTI/HDF5 images) into NIfTI label maps",
     [](CLI::App& sub) -> std::function<int()> {
       auto a = std::make_shared<PredictArgs>();
       ssl::PredictionConfig& c = a->config;
       sub.add_option("--ckpt", c.ckpt, "Checkpoint: semisam .h5 or reference unet_3D(_sdf) .pth")->required();
       sub.add_option("-i,--input", c.input, "Image file, folder of images, or .txt list of image paths")->required();
       sub.add_option("-o,--output", c.output, "Output folder: <case>.nii.gz per case")->required();
       sub.add_flag("--save_probabilities", c.save_probabilities, "Also write <case>_probabilities.nii.gz (float32 X×Y×Z×C)");
       sub.add_flag("--save_uncertainty", c.save_uncertainty, "Also write <case>_uncertainty.nii.gz (voxel entropy)");
       sub.add_flag("--overwrite", c.overwrite, "Predict cases whose output exists again");
       sub.add_option("--shard", c.shard, "i/n: every n-th case from i (job arrays)")->capture_default_str();
       sub.add_option("--patch_size", a->patch_size, "Window X Y Z (default: the checkpoint's)")->expected(3);
       sub.add_option("--stride_xy", c.stride_xy, "Sliding-window stride in x and y")->capture_default_str();
       sub.add_option("--stride_z", c.stride_z, "Sliding-window stride in z")->capture_default_str();
       sub.add_option("--image_key", c.image_key, "Image dataset of HDF5 inputs")->capture_default_str();
       sub.add_option("--normalize", c.normalize, "auto: z-score NIfTI inputs (as import does), HDF5 as stored; or zscore / none")
           ->check(CLI::IsMember({"auto", "zscore", "none"}))->capture_default_str();
       sub.add_option("--device", c.device, "auto (a GPU if visible, else the CPU), cuda, cuda:N or cpu")->capture_default_str();
       sub.add_option("--precision", c.precision, "fp32 | tf32 | bf16 compute")
           ->check(CLI::IsMember({"fp32", "tf32", "bf16"}))->capture_default_str();
       sub.footer("Exit status: 0 when every case of the shard is predicted (or was already), 3 when "
                  "some case was skipped for an error (each is named in the log), 1 when the run "
                  "could not start.");
       return [a] {
         ssl::PredictionConfig config = a->config;
         if (!a->patch_size.empty()) config.patch_size = {a->patch_size[0], a->patch_size[1], a->patch_size[2]};
         ssl::RunLog log;
         ssl::PredictionOutcome outcome = ssl::run_prediction(config, log);
         return outcome.failed.empty() ? 0 : kSomeCasesSkipped;
       };
     }}};

}  // namespace
}  // namespace semisam::tools

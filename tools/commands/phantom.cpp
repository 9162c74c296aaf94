// `semisam phantom`: writes a synthetic phantom dataset in the reference layout (the project's
// built-in default dataset).
#include <cstdio>
#include <iostream>
#include <memory>

#include "../command_registry.h"
#include "io/phantom.h"

namespace semisam::tools {
namespace {

struct PhantomArgs {
  std::string out;
  std::vector<int64_t> size = {96, 96, 64};
  io::PhantomOptions options;
};

RegisterCommand phantom_command{
    {"phantom", "Write a synthetic phantom dataset (ROOT/data/*.h5, train/val/test lists)",
     [](CLI::App& sub) -> std::function<int()> {
       auto args = std::make_shared<PhantomArgs>();
       io::PhantomOptions& o = args->options;
       sub.add_option("--out", args->out, "Dataset root to write (created if needed)")->required();
       sub.add_option("--cases_train,--cases-train", o.cases_train, "Training cases")->capture_default_str();
       sub.add_option("--cases_val,--cases-val", o.cases_val, "Validation cases")->capture_default_str();
       sub.add_option("--cases_test,--cases-test", o.cases_test, "Test cases")->capture_default_str();
       sub.add_option("--size,--volume", args->size, "Volume size in voxels: X Y Z")
           ->expected(3)
           ->capture_default_str();
       sub.add_option("--num_classes,--classes", o.num_classes, "Classes including background (2..8)")
           ->capture_default_str();
       sub.add_option("--seed", o.seed, "Random seed (same seed, same files)")->capture_default_str();
       sub.add_option("--noise", o.noise, "Std of the additive Gaussian noise")->capture_default_str();
       sub.add_option("--bias", o.bias, "Std of the log bias field")->capture_default_str();
       sub.add_option("--background_texture,--background-texture", o.background_texture,
                      "Std of the smooth background texture")
           ->capture_default_str();
       sub.add_option("--distractors", o.distractors, "Bright vessel-like background tubes")
           ->capture_default_str();
       return [args] {
         io::PhantomOptions options = args->options;
         options.size = {args->size[0], args->size[1], args->size[2]};
         io::write_phantom_dataset(args->out, options, [](const io::PhantomWritten& w) {
           std::printf("[%lld/%lld] %-5s %s -> %s (foreground %.1f%%)\n",
                       static_cast<long long>(w.index + 1), static_cast<long long>(w.total),
                       w.split.c_str(), w.name.c_str(), w.path.c_str(),
                       100.0 * w.foreground_fraction);
           std::fflush(stdout);
         });
         std::cout << "wrote " << args->out << "/{train,val,test}.txt\n";
         return 0;
       };
     }}};

}  // namespace
}  // namespace semisam::tools

// make_backbone and the pieces the backbones share (ssl/backbone_parts.h).
#include "ssl/training/backbone.h"

#include <algorithm>
#include <sstream>

#include "autograd/variable.h"
#include "kernels/copy.h"
#include "kernels/elementwise.h"
#include "kernels/random.h"
#include "layers/lr.h"
#include "ssl/training/backbone_parts.h"
#include "ssl/training/schedules.h"

namespace semisam::ssl {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::ostringstream out;
  for (size_t i = 0; i < names.size(); ++i) out << (i ? ", " : "") << names[i];
  return out.str();
}

template <typename Map>
std::vector<std::string> keys_of(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& entry : map) keys.push_back(entry.first);
  return keys;
}

}  // namespace

const std::vector<std::string>& backbone_names() {
  static const std::vector<std::string> names{"mt", "uamt", "dan", "dtc"};
  return names;
}

std::unique_ptr<Backbone> make_backbone(const BackboneOptions& options) {
  const std::string& name = options.name;
  SEMISAM_CHECK(options.labeled_bs >= 1, "make_backbone(", name, "): labeled_bs must be >= 1, got ",
                options.labeled_bs);
  SEMISAM_CHECK(options.max_iterations >= 1, "make_backbone(", name,
                "): max_iterations must be >= 1, got ", options.max_iterations);
  if (name == "mt") return detail::make_mt_backbone(options);
  if (name == "uamt") return detail::make_uamt_backbone(options);
  if (name == "dan") return detail::make_dan_backbone(options);
  if (name == "dtc") return detail::make_dtc_backbone(options);
  SEMISAM_FAIL("make_backbone: unknown backbone '", name, "' (valid: ", joined(backbone_names()),
               ")");
}

namespace detail {

std::unique_ptr<layers::SGD> make_sgd(const layers::Module& network,
                                      const BackboneOptions& options) {
  layers::SgdOptions sgd;
  sgd.momentum = options.momentum;
  sgd.weight_decay = options.weight_decay;
  return std::make_unique<layers::SGD>(network.named_parameters(), options.base_lr, sgd);
}

double lr_after(const BackboneOptions& options, int64_t iterations_done) {
  SEMISAM_CHECK(iterations_done >= 0, options.name,
                ": set_progress needs iterations_done >= 0, got ", iterations_done);
  if (iterations_done == 0) return options.base_lr;
  return layers::poly_lr(options.base_lr, iterations_done - 1, options.max_iterations);
}

StepReport scheduled_report(const BackboneOptions& options, int64_t iteration, double lr) {
  StepReport report;
  report.consistency_weight =
      consistency_weight(iteration, options.consistency, options.consistency_rampup);
  report.pseudo_weight = pseudo_label_weight(iteration, options.max_iterations);
  report.lr = lr;
  return report;
}

Tensor teacher_noise(const Tensor& like, Generator& gen, double std, double clip) {
  Tensor noise = Tensor::empty(like.shape(), like.dtype(), like.device());
  ops::normal_(noise, gen, 0.0, std);
  noise = ops::binary_scalar(ops::BinaryOp::Minimum, noise, clip);
  return ops::binary_scalar(ops::BinaryOp::Maximum, noise, -clip);
}

void check_batch(const std::string& backbone, const Tensor& images, const Tensor& labels,
                 int64_t labeled_bs) {
  SEMISAM_CHECK(images.dim() == 5 && images.size(1) == 1 && labels.dim() == 4 &&
                    labels.size(0) == images.size(0) && labels.size(1) == images.size(2) &&
                    labels.size(2) == images.size(3) && labels.size(3) == images.size(4),
                backbone, " step: images ", images.str(), " and labels ", labels.str(),
                " must be [B, 1, X, Y, Z] and [B, X, Y, Z]");
  SEMISAM_CHECK(labeled_bs >= 1 && labeled_bs < images.size(0), backbone, " step: labeled_bs ",
                labeled_bs, " must leave at least one unlabelled case in a batch of ",
                images.size(0));
}

Tensor predict_in_eval_mode(models::UNet3D& network, const Tensor& images, Generator& dropout_gen) {
  const bool was_training = network.training();
  network.eval();
  Tensor logits;
  try {
    ag::NoGradGuard no_grad;
    logits = network.forward(ag::Variable(images), dropout_gen).seg.value();
  } catch (...) {
    network.train(was_training);
    throw;
  }
  network.train(was_training);
  return logits;
}

SingleNetworkBackbone::SingleNetworkBackbone(const BackboneOptions& options, bool sdf_head)
    : Backbone(options), dropout_gen_(options.seed ^ kDropoutStream) {
  options_.network.sdf_head = sdf_head;
  Generator init_gen(options.seed);
  network_ = std::make_unique<models::UNet3D>(options_.network, init_gen);
  network_->to(options.device);
  network_->train();
  optimizer_ = make_sgd(*network_, options_);
}

io::TensorList snapshot(const std::vector<std::pair<std::string, Tensor>>& named) {
  io::TensorList out;
  out.reserve(named.size());
  for (const auto& [name, tensor] : named) out.push_back({name, ops::clone(tensor)});
  return out;
}

std::vector<std::pair<std::string, Tensor>> as_named(const io::TensorList& list) {
  std::vector<std::pair<std::string, Tensor>> out;
  out.reserve(list.size());
  for (const io::NamedTensor& t : list) out.emplace_back(t.name, t.tensor);
  return out;
}

void check_group_names(const std::string& backbone,
                       const std::map<std::string, io::TensorList>& groups,
                       const std::vector<std::string>& expected) {
  std::vector<std::string> given = keys_of(groups);
  std::vector<std::string> wanted = expected;
  std::sort(wanted.begin(), wanted.end());
  SEMISAM_CHECK(given == wanted, backbone, " load_training_state: expected the groups {",
                joined(wanted), "}, got {", joined(given), "}");
}

std::map<std::string, io::RngState> rng_states(const NamedGenerators& generators) {
  std::map<std::string, io::RngState> out;
  for (const auto& [name, gen] : generators) out[name] = io::RngState{gen->seed(), gen->offset()};
  return out;
}

void load_rng_states(const std::string& backbone,
                     const std::map<std::string, io::RngState>& streams,
                     const NamedGenerators& generators) {
  std::vector<std::string> wanted;
  for (const auto& entry : generators) wanted.push_back(entry.first);
  std::sort(wanted.begin(), wanted.end());
  SEMISAM_CHECK(keys_of(streams) == wanted, backbone, " load_rng_state: expected the streams {",
                joined(wanted), "}, got {", joined(keys_of(streams)), "}");
  for (const auto& [name, gen] : generators) {
    const io::RngState& state = streams.at(name);
    gen->set_state(state.seed, state.offset);
  }
}

}  // namespace detail
}  // namespace semisam::ssl

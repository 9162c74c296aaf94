// Writing checkpoints (layout described in checkpoint.h).
#include <zlib.h>

#include <algorithm>
#include <set>

#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/checkpoint_layout.h"
#include "io/fault_injection.h"
#include "io/h5_file.h"
#include "io/host_copy.h"
#include "tensor/error.h"

namespace semisam::io {
namespace {

void write_string_map(const h5::Group& root, const std::string& name,
                      const std::map<std::string, std::string>& values) {
  h5::Group group = root.create_group(name);
  for (const auto& [key, value] : values) group.set_attribute(key, value);
}

void write_tensor_group(const h5::Group& root, const std::string& group_name,
                        const TensorList& tensors) {
  SEMISAM_CHECK(!is_reserved_group(group_name), "tensor group name '", group_name,
                "' is reserved for checkpoint metadata");
  h5::Group group = root.create_group(group_name);
  std::set<std::string> seen;
  for (const auto& [name, tensor] : tensors) {
    SEMISAM_CHECK(seen.insert(name).second, "tensor '", name, "' appears twice in group '",
                  group_name, "'");
    SEMISAM_CHECK(tensor.defined(), "tensor '", group_name, "/", name, "' is undefined");
    Tensor host = contiguous_host(tensor);
    h5::Dataset dataset = group.write_tensor(name, host);
    dataset.set_attribute(kChecksumAttribute, uint64_t(tensor_checksum(host)));
  }
}

}  // namespace

uint32_t tensor_checksum(const Tensor& host_contiguous) {
  const auto* bytes = static_cast<const Bytef*>(host_contiguous.data_ptr());
  size_t remaining = host_contiguous.nbytes();
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes 32-bit lengths; large tensors go through in pieces.
  while (remaining > 0) {
    uInt piece = uInt(std::min<size_t>(remaining, size_t(1) << 30));
    crc = crc32(crc, bytes, piece);
    bytes += piece;
    remaining -= piece;
  }
  return uint32_t(crc);
}

bool is_reserved_group(const std::string& name) {
  return name == kHyperParametersGroup || name == kInfoGroup || name == kRngGroup;
}

void write_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
  SEMISAM_CHECK(!checkpoint.architecture.empty(), "writing ", path,
                ": the checkpoint names no architecture");
  write_atomically(path, [&](const std::string& temporary) {
    h5::File file = h5::File::create(temporary);
    {
      h5::Group root = file.root();
      root.set_attribute("format", kCheckpointFormat);
      root.set_attribute("format_version", kCheckpointFormatVersion);
      root.set_attribute("architecture", checkpoint.architecture);
      root.set_attribute("round", checkpoint.round);
      root.set_attribute("iteration", checkpoint.iteration);
      root.set_attribute("best_dice", checkpoint.best_dice);
      root.set_attribute("command_line", checkpoint.command_line);
      write_string_map(root, kHyperParametersGroup, checkpoint.hyper_parameters);
      write_string_map(root, kInfoGroup, checkpoint.info);
      h5::Group rng = root.create_group(kRngGroup);
      for (const auto& [stream, state] : checkpoint.rng) {
        h5::Group entry = rng.create_group(stream);
        entry.set_attribute("seed", state.seed);
        entry.set_attribute("offset", state.offset);
      }
      for (const auto& [group_name, tensors] : checkpoint.tensors)
        write_tensor_group(root, group_name, tensors);
    }
    file.close();
    fault_point("checkpoint_write");
  });
}

}  // namespace semisam::io

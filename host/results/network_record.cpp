#include "results/network_record.hpp"

#include "common/errors.hpp"
#include "io/h5.hpp"
#include "results/written_data.hpp"

namespace xbarmc::study {
namespace {

std::string layer_path(const char* root, std::size_t l) {
  return std::string(root) + "/layers/" + std::to_string(l);
}

}  // namespace

void write_network_record(const h5::File& f, const NetworkRecord& n) {
  for (std::size_t l = 0; l < n.layers.size(); ++l) {
    const LayerRecord& r = n.layers[l];
    const h5::Group m = f.create_group(layer_path("mapping", l));
    m.write<double>("g_target",
                    {static_cast<std::size_t>(r.rows()), 2 * static_cast<std::size_t>(r.n_out)},
                    r.g_target_s);
    if (!r.bias.empty()) m.write<double>("bias", {r.bias.size()}, r.bias);
    m.set_attribute("n_in", static_cast<std::int64_t>(r.n_in));
    m.set_attribute("n_out", static_cast<std::int64_t>(r.n_out));
    m.set_attribute("bias_mode", r.bias_mode);
    m.set_attribute("shared_max", r.shared_max);
    m.set_attribute("array_rows", static_cast<std::int64_t>(r.array_rows));
    m.set_attribute("array_cols", static_cast<std::int64_t>(r.array_cols));
    m.set_attribute("arrays", static_cast<std::int64_t>(r.arrays));
    m.set_attribute("adcs", static_cast<std::int64_t>(r.adcs));
    const h5::Group ref = f.create_group(layer_path("reference", l));
    ref.write<double>("i_fs_a", {}, std::vector<double>{r.i_fs_a});
    ref.write<double>("rho", {}, std::vector<double>{r.rho});
    ref.write<double>("threshold_ratio", {}, std::vector<double>{r.threshold_ratio});
    ref.write<double>("threshold", {}, std::vector<double>{r.threshold});
  }
}

NetworkRecord read_network_record(const h5::File& f) {
  NetworkRecord n;
  if (!f.exists("mapping/layers")) return n;
  const std::string file = f.file_name();
  const std::size_t count = f.open_group("mapping/layers").children().size();
  for (std::size_t l = 0; l < count; ++l) {
    const std::string mp = layer_path("mapping", l), rp = layer_path("reference", l);
    if (!f.exists(mp) || !f.exists(rp))
      throw UserError(file + ": " + mp + " or " + rp + " is missing");
    const h5::Group m = f.open_group(mp), ref = f.open_group(rp);
    LayerRecord r;
    r.n_in = static_cast<int>(m.int_attribute("n_in"));
    r.n_out = static_cast<int>(m.int_attribute("n_out"));
    r.bias_mode = m.string_attribute("bias_mode");
    r.shared_max = m.double_attribute("shared_max");
    r.array_rows = static_cast<int>(m.int_attribute("array_rows"));
    r.array_cols = static_cast<int>(m.int_attribute("array_cols"));
    r.arrays = static_cast<int>(m.int_attribute("arrays"));
    r.adcs = static_cast<int>(m.int_attribute("adcs"));
    if (r.n_in < 1 || r.n_out < 1 || r.array_rows < 1 || r.array_cols < 2) {
      throw UserError(file + ": " + mp + " has impossible sizes");
    }
    if (m.open_dataset("g_target").shape() !=
        h5::Shape{static_cast<std::size_t>(r.rows()), 2 * static_cast<std::size_t>(r.n_out)}) {
      throw UserError(file + ": " + mp + "/g_target is not [rows × 2·n_out]");
    }
    r.g_target_s = read_written(m, "g_target");
    if (m.exists("bias")) {
      r.bias = read_written(m, "bias");
      if (r.bias.size() != static_cast<std::size_t>(r.n_out)) {
        throw UserError(file + ": " + mp + "/bias is not one value per output");
      }
    }
    r.i_fs_a = read_written_scalar(ref, "i_fs_a");
    r.rho = read_written_scalar(ref, "rho");
    r.threshold_ratio = read_written_scalar(ref, "threshold_ratio");
    r.threshold = read_written_scalar(ref, "threshold");
    n.layers.push_back(std::move(r));
  }
  return n;
}

std::vector<std::string> network_record_datasets(const NetworkRecord& n) {
  std::vector<std::string> out;
  for (std::size_t l = 0; l < n.layers.size(); ++l) {
    out.push_back(layer_path("mapping", l) + "/g_target");
    if (!n.layers[l].bias.empty()) out.push_back(layer_path("mapping", l) + "/bias");
    for (const char* s : {"i_fs_a", "rho", "threshold_ratio", "threshold"}) {
      out.push_back(layer_path("reference", l) + "/" + s);
    }
  }
  return out;
}

}  // namespace xbarmc::study

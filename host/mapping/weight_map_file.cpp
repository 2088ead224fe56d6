#include "mapping/weight_map_file.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "common/errors.hpp"
#include "xbarmc/build_info.hpp"

namespace xbarmc {
namespace {

// A stdio stream on the AtomicFile's temporary path; errors name the final path.
class TextOut {
 public:
  explicit TextOut(const AtomicFile& file) : name_(file.final_path()) {
    out_ = std::fopen(file.temp_path().c_str(), "w");
    if (out_ == nullptr) throw UserError("cannot write " + name_ + ": " + std::strerror(errno));
  }
  ~TextOut() {
    if (out_ != nullptr) std::fclose(out_);
  }
  TextOut(const TextOut&) = delete;
  TextOut& operator=(const TextOut&) = delete;

  std::FILE* get() const { return out_; }
  void close() {
    const bool ok = std::ferror(out_) == 0;
    const int closed = std::fclose(out_);
    out_ = nullptr;
    if (closed != 0 || !ok) throw UserError("cannot write " + name_);
  }

 private:
  std::string name_;
  std::FILE* out_ = nullptr;
};

}  // namespace

std::string spacing_name(Spacing s) {
  return s == Spacing::kLinear ? "linear" : "log";
}
std::string layout_name(Layout l) {
  return l == Layout::kBlocked ? "blocked" : "interleaved";
}

void write_array_map_csv(AtomicFile& file, const ArrayTile& t, const LayerMapping& m) {
  TextOut out(file);
  std::fprintf(out.get(), "%s\n", kWeightMapHeader);
  const Layout layout = m.params.layout;
  for (int i = 0; i < t.rows_used; ++i) {
    const int row = t.row_begin + i;
    const double* g = &m.g_target_s[static_cast<std::size_t>(row) * m.n_cols()];
    for (int jl = 0; jl < t.outputs_used; ++jl) {
      const int j = t.output_begin + jl;
      // 12 significant digits: G to ~1e-12 relative, well past any device's precision.
      std::fprintf(out.get(), "%d,%d,%d,%d,%d,%.12g,%.12g\n", i,
                   column_pos(layout, jl, t.outputs()), column_neg(layout, jl, t.outputs()),
                   m.level_pos(row, j), m.level_neg(row, j), g[2 * j], g[2 * j + 1]);
    }
  }
  out.close();
}

void write_array_bl_sel_csv(AtomicFile& file, const ArrayTile& t, Layout layout) {
  TextOut out(file);
  std::fprintf(out.get(), "%s\n", kBlSelHeader);
  const int n = t.outputs();
  for (int s = 0; s < t.cols; ++s) {
    const bool positive = s < n;
    std::fprintf(out.get(), "%d,%d,%s,%d\n", s, positive ? s : s - n, positive ? "pos" : "neg",
                 bl_sel_column(layout, s, n));
  }
  out.close();
}

void write_array_index_csv(AtomicFile& file, const ArrayPlan& plan,
                           const std::vector<std::string>& files) {
  TextOut out(file);
  std::fprintf(out.get(), "%s\n", kArrayIndexHeader);
  for (std::size_t k = 0; k < plan.arrays.size(); ++k) {
    const ArrayTile& t = plan.arrays[k];
    std::fprintf(out.get(), "%zu,%d,%d,%d,%s\n", k, t.layer, t.row_block, t.output_block,
                 files.at(k).c_str());
  }
  out.close();
}

void write_mapping_group(const h5::Group& group, const MatrixD& w, const MappedLayer& m) {
  const auto n_out = static_cast<std::size_t>(m.n_out);
  const auto n_in = static_cast<std::size_t>(m.n_in);
  const auto n_cols = static_cast<std::size_t>(m.n_cols());
  const std::vector<std::int32_t> pos(m.levels_pos.begin(), m.levels_pos.end());
  const std::vector<std::int32_t> neg(m.levels_neg.begin(), m.levels_neg.end());
  std::vector<std::int32_t> columns(n_cols);
  for (std::size_t s = 0; s < n_cols; ++s) {
    columns[s] = bl_sel_column(m.params.layout, static_cast<int>(s), m.n_out);
  }
  group.write("weights", {n_out, n_in}, w.data);
  group.write("w_quantized", {n_out, n_in}, m.w_q.data);
  group.write("levels_pos", {n_in, n_out}, pos);
  group.write("levels_neg", {n_in, n_out}, neg);
  group.write("g_target", {n_in, n_cols}, m.g_target_s).set_attribute("units", "S");
  group.write("bl_sel_column", {n_cols}, columns);
  group.set_attribute("weight_bits", std::int64_t{m.params.weight_bits});
  group.set_attribute("r_on_ohm", m.params.r_on_ohm);
  group.set_attribute("r_off_ohm", m.params.r_off_ohm);
  group.set_attribute("g_min_s", m.params.g_min_s());
  group.set_attribute("g_max_s", m.params.g_max_s());
  group.set_attribute("spacing", spacing_name(m.params.spacing));
  group.set_attribute("layout", layout_name(m.params.layout));
  group.set_attribute("shared_max", m.shared_max);
  group.set_attribute("n_out", std::int64_t{m.n_out});
  group.set_attribute("n_in", std::int64_t{m.n_in});
}

void write_mapping_h5(AtomicFile& file, const MatrixD& w, const MappedLayer& m,
                      const std::string& source) {
  h5::File f = h5::File::create(file.temp_path(), file.final_path());
  f.set_attribute("format", "xbarmc-mapping");
  f.set_attribute("xbarmc_version", build_info::kVersion);
  f.set_attribute("git_describe", build_info::kGitDescribe);
  f.set_attribute("source", source);
  write_mapping_group(f.create_group("mapping"), w, m);
  f.close();
}

}  // namespace xbarmc

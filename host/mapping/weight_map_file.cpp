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

void write_weight_map_csv(AtomicFile& file, const MappedLayer& m) {
  TextOut out(file);
  std::fprintf(out.get(), "%s\n", kWeightMapHeader);
  const Layout layout = m.params.layout;
  for (int i = 0; i < m.n_in; ++i) {
    for (int j = 0; j < m.n_out; ++j) {
      const int col_pos = column_pos(layout, j, m.n_out);
      const int col_neg = column_neg(layout, j, m.n_out);
      // 12 significant digits: G to ~1e-12 relative, well past any device's precision.
      std::fprintf(out.get(), "%d,%d,%d,%d,%d,%.12g,%.12g\n", i, col_pos, col_neg,
                   m.level_pos(i, j), m.level_neg(i, j), m.g_target(i, col_pos),
                   m.g_target(i, col_neg));
    }
  }
  out.close();
}

void write_bl_sel_csv(AtomicFile& file, const MappedLayer& m) {
  TextOut out(file);
  std::fprintf(out.get(), "%s\n", kBlSelHeader);
  for (int s = 0; s < m.n_cols(); ++s) {
    const bool positive = s < m.n_out;
    std::fprintf(out.get(), "%d,%d,%s,%d\n", s, positive ? s : s - m.n_out,
                 positive ? "pos" : "neg", bl_sel_column(m.params.layout, s, m.n_out));
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

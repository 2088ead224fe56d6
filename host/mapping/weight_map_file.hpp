// The files `xbarmc map` hands to device and RTL engineers (DESIGN §2.3, §3):
//   weight map CSV  row,col_pos,col_neg,level_pos,level_neg,G_pos,G_neg — one line per
//                   (input row i, output j), ordered by i then j, G in siemens;
//   bl_sel table    bl_sel,output,sign,column — the physical column each logical
//                   bit-line select drives (RTL order: 0..n_out−1 pos, then neg);
//   mapping HDF5    /mapping: levels, G_target, W_q and the parameters as attributes.
// Each writer fills the temporary file of an AtomicFile; the caller commits, so a
// run that fails leaves no output behind.
#pragma once

#include <string>

#include "common/atomic_file.hpp"
#include "common/matrix.hpp"
#include "io/h5.hpp"
#include "mapping/map_layer.hpp"

namespace xbarmc {

constexpr const char* kWeightMapHeader = "row,col_pos,col_neg,level_pos,level_neg,G_pos,G_neg";
constexpr const char* kBlSelHeader = "bl_sel,output,sign,column";

void write_weight_map_csv(AtomicFile& file, const MappedLayer& m);
void write_bl_sel_csv(AtomicFile& file, const MappedLayer& m);

// Writes the mapping of `m` (and the weights `w` it came from) into `group`:
//   weights [n_out × n_in], w_quantized [n_out × n_in], levels_pos/levels_neg
//   [n_in × n_out] int32, g_target [n_in × n_cols] S, bl_sel_column [n_cols] int32;
//   attributes weight_bits, r_on_ohm, r_off_ohm, g_min_s, g_max_s, spacing, layout,
//   shared_max, n_out, n_in.
void write_mapping_group(const h5::Group& group, const MatrixD& w, const MappedLayer& m);

// A file holding /mapping (above) and root attributes format = "xbarmc-mapping",
// xbarmc_version, git_describe and source (the weights file).
void write_mapping_h5(AtomicFile& file, const MatrixD& w, const MappedLayer& m,
                      const std::string& source);

std::string spacing_name(Spacing s);
std::string layout_name(Layout l);

}  // namespace xbarmc

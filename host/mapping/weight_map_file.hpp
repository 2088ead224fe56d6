// The files `xbarmc map` hands to device and RTL engineers (DESIGN §2.3, §2.7, §3), one
// weight map and one bl_sel table per physical array (array_plan.hpp):
//   weight map CSV  row,col_pos,col_neg,level_pos,level_neg,G_pos,G_neg — one line per
//                   used (row i, output j) of the array, ordered by i then j, row and
//                   columns local to the array, G in siemens (cells not listed: level 0);
//   bl_sel table    bl_sel,output,sign,column — the array's physical column each logical
//                   bit-line select drives (RTL order: outputs 0..C_a/2−1 pos, then neg);
//   index CSV       array,layer,row_block,output_block,file — one line per array;
//   mapping HDF5    /mapping of one layer on one array: levels, G_target, W_q and the
//                   parameters as attributes.
// For one layer on one array of its own size the weight map and bl_sel table are
// exactly the seed's single-array files.
// Each writer fills the temporary file of an AtomicFile; the caller commits, so a
// run that fails leaves no output behind.
#pragma once

#include <string>
#include <vector>

#include "common/atomic_file.hpp"
#include "common/matrix.hpp"
#include "io/h5.hpp"
#include "mapping/array_plan.hpp"
#include "mapping/layer_mapping.hpp"
#include "mapping/map_layer.hpp"

namespace xbarmc {

constexpr const char* kWeightMapHeader = "row,col_pos,col_neg,level_pos,level_neg,G_pos,G_neg";
constexpr const char* kBlSelHeader = "bl_sel,output,sign,column";
constexpr const char* kArrayIndexHeader = "array,layer,row_block,output_block,file";

// `layer` is the mapping of tile.layer.
void write_array_map_csv(AtomicFile& file, const ArrayTile& tile, const LayerMapping& layer);
void write_array_bl_sel_csv(AtomicFile& file, const ArrayTile& tile, Layout layout);
// files[k]: the name of array k's weight map, as the index lists it.
void write_array_index_csv(AtomicFile& file, const ArrayPlan& plan,
                           const std::vector<std::string>& files);

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

// Networks trained elsewhere (DESIGN §2.7): the weights W_l [n_l × n_{l−1}] of each
// layer, in order, with optional biases b_l [n_l], from NumPy files. PyTorch's
// nn.Linear keeps weight as [out_features × in_features], which is this orientation:
// np.save(f, layer.weight.detach().numpy()) needs no transpose.
//   .npy: one file per layer (and one per bias), in layer order;
//   .npz: one archive with arrays w0, w1, … and, for a biased network, b0, b1, … (every
//         layer's bias or none; a layer without one takes zeros).
#pragma once

#include <string>
#include <vector>

#include "features/feature_spec.hpp"
#include "train/model.hpp"
#include "train/weights_file.hpp"

namespace xbarmc {

struct ImportedLayer {
  LayerWeights weights;
  std::string w_source, b_source;  // for messages: the file (and .npz member)
};

// Reads `weight_files` (one .npz, or one .npy per layer) and `bias_files` (one .npy per
// layer, or none). Throws UserError naming the file or array: unreadable files, a
// missing or extra array in an .npz, a weight that is not 2-D or a bias that is not
// 1-D, NaN or Inf, as many bias files as layers or none.
std::vector<ImportedLayer> read_imported_layers(const std::vector<std::string>& weight_files,
                                                const std::vector<std::string>& bias_files);

// The method's constants for images of rows × cols pixels; throws UserError for the
// projection methods, whose constants an imported network cannot know.
FeatureSpec imported_feature_spec(FeatureMethod method, int rows, int cols);

// The model of the imported layers: deployed = float = the imported weights, mapped with
// `mapping` and `bias_mode`. Throws UserError naming the file when the layer shapes do
// not chain, when layer 0's inputs differ from the method's features, or when a bias's
// length differs from its layer's outputs.
Model make_imported_model(std::vector<ImportedLayer> layers, const FeatureSpec& features,
                          const MappingParams& mapping, BiasMode bias_mode);

}  // namespace xbarmc

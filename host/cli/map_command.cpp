#include "cli/commands.hpp"

namespace xbarmc::cli {

void add_map_command(CLI::App& app) {
  auto* sub = app.add_subcommand("map", "Map a weight matrix to crossbar conductance levels");
  auto weights = std::make_shared<std::string>();
  auto bits = std::make_shared<int>(4);
  sub->add_option("--weights", *weights, "weights file")->required();
  sub->add_option("--weight-bits", *bits, "bits");
  sub->callback([weights, bits] { std::printf("weights=%s bits=%d\n", weights->c_str(), *bits); });
}

}  // namespace xbarmc::cli

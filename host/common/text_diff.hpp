// The first line where two texts differ: how --resume and merge name the setting in
// which two studies' canonical settings texts (study_toml) disagree.
#pragma once

#include <string>

namespace xbarmc {

// Each text's version of the first differing line ("(nothing)" past the end of one);
// `any` is false when the texts are equal.
struct LineDifference {
  bool any = false;
  std::string a, b;
};
LineDifference first_line_difference(const std::string& a, const std::string& b);

}  // namespace xbarmc

// The two error types of xbarmc: bad user input (exit status 2, one line naming the
// bad file or value) and internal failures (exit status 1).
#pragma once

#include <stdexcept>
#include <string>

namespace xbarmc {

struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct InternalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace xbarmc

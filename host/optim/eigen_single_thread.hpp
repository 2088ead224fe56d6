// Eigen's matrix products may block their sums differently for other thread
// counts; training holds this guard so a seed gives the same bits on any machine.
#pragma once

#include <Eigen/Core>

namespace xbarmc {

class EigenSingleThread {
 public:
  EigenSingleThread() : saved_(Eigen::nbThreads()) { Eigen::setNbThreads(1); }
  ~EigenSingleThread() { Eigen::setNbThreads(saved_); }
  EigenSingleThread(const EigenSingleThread&) = delete;
  EigenSingleThread& operator=(const EigenSingleThread&) = delete;

 private:
  int saved_;
};

}  // namespace xbarmc

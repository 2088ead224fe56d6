// Device memory owned by one object (STYLE.md: RAII for every resource). Teardown never
// throws: after a sticky CUDA error (an illegal address in a kernel, say) cudaFree
// fails too, and a throwing destructor during the unwinding of that first error would
// end the process in std::terminate instead of the one-line exit status 1.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <utility>
#include <vector>

#include "cuda_check.cuh"

namespace xbarmc::cuda {

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t n) { reserve(n); }
  ~DeviceBuffer() { release(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), capacity_(std::exchange(o.capacity_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      capacity_ = std::exchange(o.capacity_, 0);
    }
    return *this;
  }

  // At least n elements; the old contents are kept only when no allocation is needed.
  // An allocation failure throws CudaError with cudaErrorMemoryAllocation (not sticky:
  // the caller may retry smaller).
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    release();
    void* p = nullptr;
    XBARMC_CUDA_CALL(cudaMalloc(&p, n * sizeof(T)));
    data_ = static_cast<T*>(p);
    capacity_ = n;
  }
  void upload(const T* host, std::size_t n) {
    reserve(n);
    if (n) XBARMC_CUDA_CALL(cudaMemcpy(data_, host, n * sizeof(T), cudaMemcpyHostToDevice));
  }
  void upload(const std::vector<T>& host) { upload(host.data(), host.size()); }
  void download(T* host, std::size_t n) const {
    if (n) XBARMC_CUDA_CALL(cudaMemcpy(host, data_, n * sizeof(T), cudaMemcpyDeviceToHost));
  }
  void zero(std::size_t n) {
    if (n) XBARMC_CUDA_CALL(cudaMemsetAsync(data_, 0, n * sizeof(T)));
  }

  T* data() const { return data_; }
  std::size_t capacity() const { return capacity_; }

 private:
  void release() noexcept {
    if (data_) cudaFree(data_);  // an error here (sticky or not) is ignored on purpose
    data_ = nullptr;
    capacity_ = 0;
  }
  T* data_ = nullptr;
  std::size_t capacity_ = 0;
};

// Whether `e` is an allocation failure that a smaller request may avoid.
inline bool is_out_of_memory(const CudaError& e) { return e.code == cudaErrorMemoryAllocation; }

}  // namespace xbarmc::cuda

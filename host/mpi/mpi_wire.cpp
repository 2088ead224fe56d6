#include "mpi/mpi_wire.hpp"

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "common/errors.hpp"

namespace xbarmc::study::mpi {
namespace {

class Writer {
 public:
  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>, "plain values only");
    bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put(const std::string& s) {
    put<std::uint64_t>(s.size());
    bytes_ += s;
  }
  template <class T>
  void put(const std::vector<T>& v) {
    put<std::uint64_t>(v.size());
    for (const T& x : v) put(x);
  }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(const std::string& bytes) : bytes_(bytes) {}
  template <class T>
  void get(T& v) {
    static_assert(std::is_trivially_copyable_v<T>, "plain values only");
    std::memcpy(&v, take(sizeof v), sizeof v);
  }
  void get(std::string& s) {
    std::uint64_t n = 0;
    get(n);
    s.assign(take(n), n);
  }
  template <class T>
  void get(std::vector<T>& v) {
    std::uint64_t n = 0;
    get(n);
    if (n > bytes_.size()) throw InternalError("mpi: serialized config: bad vector length");
    v.assign(n, T{});
    for (T& x : v) get(x);
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  const char* take(std::uint64_t n) {
    if (n > bytes_.size() - at_) throw InternalError("mpi: serialized config is truncated");
    const char* p = bytes_.data() + at_;
    at_ += n;
    return p;
  }
  const std::string& bytes_;
  std::size_t at_ = 0;
};

// Every McConfig field, one list for both directions so that they cannot disagree
// (a new McConfig field belongs here too).
template <class Visit, class Config>
void each_field(Config& c, Visit&& visit) {
  visit(c.model_path);
  visit(c.data_dir);
  visit(c.chips);
  visit(c.chips_from);
  visit(c.chips_to);
  visit(c.split);
  visit(c.images);
  visit(c.times_s);
  visit(c.seed);
  visit(c.yield_specs);
  visit(c.device);
  visit(c.readout);
  visit(c.neuron);
  visit(c.full_scale);
  visit(c.threshold_ratio);
  visit(c.array_rows);
  visit(c.array_cols);
  visit(c.device_table);
  visit(c.out_path);
  visit(c.threads);
  visit(c.backend);
  visit(c.batch_chips);
  visit(c.quiet);
  visit(c.print_summary);
  visit(c.resume);
  visit(c.progress_interval_s);
  visit(c.stop_after_batches);
}

}  // namespace

std::string serialize_config(const McConfig& c) {
  Writer w;
  each_field(c, [&](const auto& v) { w.put(v); });
  return w.take();
}

McConfig deserialize_config(const std::string& bytes) {
  McConfig c;
  Reader r(bytes);
  each_field(c, [&](auto& v) { r.get(v); });
  if (!r.done()) throw InternalError("mpi: serialized config has trailing bytes");
  return c;
}

}  // namespace xbarmc::study::mpi

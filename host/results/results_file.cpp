#include "results/results_file.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "common/errors.hpp"
#include "common/text_diff.hpp"
#include "results/written_data.hpp"
#include "stats/checksum.hpp"

namespace xbarmc::study {
namespace {

constexpr const char* kChipsDone = "chips_done";
constexpr const char* kStudyKey = "study_key";

template <class T>
void write_scalar(const h5::Group& g, const std::string& name, T value) {
  g.write<T>(name, {}, &value);
}

template <class T>
std::vector<T> checked_batch(const std::vector<T>& batch, std::size_t n_times, std::size_t n) {
  if (batch.size() != n_times * n) throw InternalError("engine returned a batch of the wrong size");
  return batch;
}

}  // namespace

std::string partial_path_for(const std::string& out_path) {
  return out_path + ".partial";
}

ResultsFile::ResultsFile(h5::File file, std::string out_path)
    : file_(std::move(file)), out_path_(std::move(out_path)) {}

ResultsFile ResultsFile::create(const std::string& out_path, const ResultsHeader& h) {
  const std::string partial = partial_path_for(out_path);
  ResultsFile rf(h5::File::create(partial, partial), out_path);
  const h5::File& f = rf.file_;
  const Provenance& p = h.provenance;
  f.set_attribute("version", p.version);
  f.set_attribute("git_describe", p.git_describe);
  f.set_attribute("command_line", p.command_line);
  f.set_attribute("config_toml", p.config_toml);
  f.set_attribute("seed", static_cast<std::int64_t>(p.seed));
  f.set_attribute("backend", p.backend);
  f.set_attribute("device_name", p.device_name);
  f.set_attribute("created_utc", p.created_utc);
  f.set_attribute("study", "mc");
  f.set_attribute(kStudyKey, p.study_key);

  const std::size_t n_times = h.times_s.size();
  const h5::Shape per_chip = {n_times, static_cast<std::size_t>(h.n_chips)};
  const h5::Group mc = f.create_group("mc");
  mc.set_attribute("n_images", static_cast<std::int64_t>(h.n_images));
  mc.set_attribute("split", h.split);
  mc.set_attribute("chip_from", static_cast<std::int64_t>(h.chip_from));
  mc.write<double>("times", {n_times}, h.times_s);
  mc.create_dataset<std::uint64_t>("chip_index", {static_cast<std::size_t>(h.n_chips)});
  mc.create_dataset<std::uint32_t>("correct", per_chip);
  mc.create_dataset<double>("accuracy", per_chip);
  mc.create_dataset<std::uint32_t>("no_spike", per_chip);
  mc.create_dataset<std::uint64_t>("saturated", per_chip);
  mc.write_strings("yield/spec", h.yield_specs);
  mc.write<double>("yield/threshold", {h.yield_thresholds.size()}, h.yield_thresholds);

  const h5::Group ref = f.create_group("reference");
  write_scalar(ref, "float_accuracy", h.refs.float_accuracy);
  write_scalar(ref, "mapped_accuracy", h.refs.mapped_accuracy);
  write_scalar(ref, "nominal_accuracy", h.refs.nominal_accuracy);
  write_scalar(ref, "threshold_ratio", h.threshold_ratio);
  write_scalar(ref, "threshold", h.threshold);
  write_scalar(ref, "i_fs_a", h.i_fs_a);

  if (h.network.empty()) {
    const auto n_in = static_cast<std::size_t>(h.n_in), n_out = static_cast<std::size_t>(h.n_out);
    const h5::Group map = f.create_group("mapping");
    map.write<double>("g_target", {n_in, 2 * n_out}, h.g_target_s);
    map.write<std::int32_t>("levels_pos", {n_in, n_out}, h.levels_pos);
    map.write<std::int32_t>("levels_neg", {n_in, n_out}, h.levels_neg);
  } else {
    // Per layer and per chip and time (DESIGN §2.7): ADC saturation and neuron spikes,
    // and the spike rate spikes / (images · T · n_l).
    write_network_record(f, h.network);
    mc.set_attribute("timesteps", static_cast<std::int64_t>(h.timesteps));
    const h5::Shape per_layer = {h.network.layers.size(), n_times,
                                 static_cast<std::size_t>(h.n_chips)};
    mc.create_dataset<std::uint64_t>("layer_saturated", per_layer);
    mc.create_dataset<std::uint64_t>("layer_spikes", per_layer);
    mc.create_dataset<double>("layer_spike_rate", per_layer);
  }
  if (h.verify) {  // per chip over its non-stuck cells: pulses, failures, cells
    for (const char* name : kVerifyDatasets) {
      mc.create_dataset<std::uint64_t>(name, {static_cast<std::size_t>(h.n_chips)});
    }
  }

  f.set_attribute(kChipsDone, std::int64_t{0});
  if (H5Fflush(f.id(), H5F_SCOPE_GLOBAL) < 0) throw UserError("cannot write " + partial);
  rf.load_layout();
  return rf;
}

ResultsFile ResultsFile::resume(const std::string& out_path, const std::string& study_key) {
  const std::string partial = partial_path_for(out_path);
  std::error_code ec;
  if (!std::filesystem::exists(partial, ec)) {
    throw UserError("--resume: " + partial + " does not exist (nothing to resume)");
  }
  ResultsFile rf(h5::File::open_rw(partial), out_path);
  if (!rf.file_.has_attribute(kStudyKey) || !rf.file_.has_attribute(kChipsDone)) {
    throw UserError("--resume: " + partial + " is not a partial mc results file");
  }
  const std::string saved = rf.file_.string_attribute(kStudyKey);
  if (saved != study_key) {
    const LineDifference d = first_line_difference(saved, study_key);
    throw UserError("--resume: " + partial +
                    " was started with other settings (partial file has '" + d.a +
                    "', this run has '" + d.b + "'); rerun with the same settings or delete it");
  }
  rf.load_layout();
  return rf;
}

void ResultsFile::load_layout() {
  const h5::Group mc = file_.open_group("mc");
  times_s_ = read_written(mc, "times");
  n_times_ = times_s_.size();
  const h5::Shape shape = mc.open_dataset("correct").shape();
  if (shape.size() != 2 || shape[0] != n_times_) {
    throw UserError(file_.file_name() + ": /mc/correct does not have shape [n_times × n_chips]");
  }
  n_chips_ = shape[1];
  n_images_ = static_cast<std::uint64_t>(mc.int_attribute("n_images"));
  chip_from_ =
      mc.has_attribute("chip_from") ? static_cast<std::uint64_t>(mc.int_attribute("chip_from")) : 0;
  chips_done_ = static_cast<std::uint64_t>(file_.int_attribute(kChipsDone));
  if (chips_done_ > n_chips_) throw UserError(file_.file_name() + ": chips_done exceeds n_chips");
  const h5::Group ref = file_.open_group("reference");
  refs_.float_accuracy = read_written_scalar(ref, "float_accuracy");
  refs_.mapped_accuracy = read_written_scalar(ref, "mapped_accuracy");
  refs_.nominal_accuracy = read_written_scalar(ref, "nominal_accuracy");
  readout_.i_fs_a = read_written_scalar(ref, "i_fs_a");
  readout_.threshold = read_written_scalar(ref, "threshold");
  network_ = read_network_record(file_);
  if (!network_.empty()) {
    timesteps_ = static_cast<int>(mc.int_attribute("timesteps"));
    const h5::Shape want = {network_.layers.size(), n_times_, static_cast<std::size_t>(n_chips_)};
    for (const char* name : {"layer_saturated", "layer_spikes", "layer_spike_rate"}) {
      if (mc.open_dataset(name).shape() != want) {
        throw UserError(file_.file_name() + ": /mc/" + name +
                        " is not [n_layers × n_times × n_chips]");
      }
    }
    if (timesteps_ < 1) throw UserError(file_.file_name() + ": /mc timesteps is not positive");
  }
  verify_ = mc.exists(kVerifyDatasets[0]);
  if (verify_) {
    for (const char* name : kVerifyDatasets) {
      if (mc.open_dataset(name).shape() != h5::Shape{static_cast<std::size_t>(n_chips_)}) {
        throw UserError(file_.file_name() + ": /mc/" + name + " is not [n_chips]");
      }
    }
  }
}

void ResultsFile::append(const ChipBatchResult& b) {
  if (b.chip_begin != chip_from_ + chips_done_ || b.chip_end <= b.chip_begin ||
      b.chip_end > chip_from_ + n_chips_) {
    throw InternalError("results: batch out of order");
  }
  const std::size_t n = static_cast<std::size_t>(b.chip_end - b.chip_begin);
  const h5::Shape offset = {0, static_cast<std::size_t>(b.chip_begin - chip_from_)};
  const h5::Shape count = {n_times_, n};
  const h5::Group mc = file_.open_group("mc");
  const std::vector<std::uint32_t> correct = checked_batch(b.correct, n_times_, n);
  std::vector<double> accuracy(correct.size());
  for (std::size_t i = 0; i < correct.size(); ++i) {
    accuracy[i] = static_cast<double>(correct[i]) / static_cast<double>(n_images_);
  }
  std::vector<std::uint64_t> index(n);
  for (std::size_t i = 0; i < n; ++i) index[i] = b.chip_begin + i;
  mc.open_dataset("chip_index").write_block<std::uint64_t>({offset[1]}, {n}, index.data());
  mc.open_dataset("correct").write_block(offset, count, correct.data());
  mc.open_dataset("accuracy").write_block(offset, count, accuracy.data());
  mc.open_dataset("no_spike")
      .write_block(offset, count, checked_batch(b.no_spike, n_times_, n).data());
  mc.open_dataset("saturated")
      .write_block(offset, count, checked_batch(b.saturated, n_times_, n).data());
  if (!network_.empty()) {
    const std::size_t n_layers = network_.layers.size();
    const h5::Shape layer_offset = {0, 0, offset[1]}, layer_count = {n_layers, n_times_, n};
    const std::vector<std::uint64_t> spikes = checked_batch(b.layer_spikes, n_layers * n_times_, n);
    std::vector<double> rate(spikes.size());
    for (std::size_t i = 0; i < rate.size(); ++i) {
      const double per_chip =
          static_cast<double>(n_images_) * timesteps_ * network_.layers[i / (n_times_ * n)].n_out;
      rate[i] = static_cast<double>(spikes[i]) / per_chip;
    }
    mc.open_dataset("layer_saturated")
        .write_block(layer_offset, layer_count,
                     checked_batch(b.layer_saturated, n_layers * n_times_, n).data());
    mc.open_dataset("layer_spikes").write_block(layer_offset, layer_count, spikes.data());
    mc.open_dataset("layer_spike_rate").write_block(layer_offset, layer_count, rate.data());
  }
  if (verify_) {
    const std::vector<std::uint64_t>* rows[] = {&b.verify_pulses, &b.verify_failures,
                                                &b.verify_cells};
    for (std::size_t k = 0; k < 3; ++k) {
      mc.open_dataset(kVerifyDatasets[k])
          .write_block<std::uint64_t>({offset[1]}, {n}, checked_batch(*rows[k], 1, n).data());
    }
  }
  // Data first, then the count that makes it part of the study, then to disk.
  if (H5Fflush(file_.id(), H5F_SCOPE_GLOBAL) < 0)
    throw UserError("cannot write " + file_.file_name());
  chips_done_ = b.chip_end - chip_from_;
  file_.set_attribute(kChipsDone, static_cast<std::int64_t>(chips_done_));
  if (H5Fflush(file_.id(), H5F_SCOPE_GLOBAL) < 0)
    throw UserError("cannot write " + file_.file_name());
}

void ResultsFile::note_resumed(const std::string& utc, const std::string& backend,
                               const std::string& command_line) {
  const std::string prior =
      file_.has_attribute("resumed") ? file_.string_attribute("resumed") + "\n" : "";
  file_.set_attribute("resumed", prior + utc + " at chip " + std::to_string(chips_done_) + " on " +
                                     backend + ": " + command_line);
}

StudyOutcome ResultsFile::finish() {
  if (chips_done_ != n_chips_) throw InternalError("results: finish() before all chips are done");
  const h5::Group mc = file_.open_group("mc");
  const std::vector<std::string> specs = mc.read_strings("yield/spec");
  const std::vector<double> thresholds = mc.read<double>("yield/threshold").data;
  const std::vector<std::uint32_t> correct = mc.read<std::uint32_t>("correct").data;
  StudyOutcome o = compute_outcome(correct, times_s_, n_chips_, n_images_, specs, thresholds);

  std::vector<double> column(n_times_);
  const auto write_stat = [&](const char* name, double Summary::*field) {
    for (std::size_t k = 0; k < n_times_; ++k) column[k] = o.summary[k].*field;
    mc.write<double>(std::string("summary/") + name, {n_times_}, column);
  };
  write_stat("mean", &Summary::mean);
  write_stat("std", &Summary::std);
  write_stat("min", &Summary::min);
  write_stat("max", &Summary::max);
  write_stat("p1", &Summary::p1);
  write_stat("p5", &Summary::p5);
  write_stat("p10", &Summary::p10);
  write_stat("p50", &Summary::p50);
  const h5::Shape yield_shape = {n_times_, specs.size()};
  mc.write<double>("yield/fraction", yield_shape, o.yield_fraction);
  mc.write<double>("yield/wilson_low", yield_shape, o.wilson_low);
  mc.write<double>("yield/wilson_high", yield_shape, o.wilson_high);
  mc.set_attribute("checksum", hex64(o.checksum));
  if (verify_) {
    const std::vector<std::uint64_t> pulses = mc.read<std::uint64_t>(kVerifyDatasets[0]).data;
    const std::vector<std::uint64_t> failed = mc.read<std::uint64_t>(kVerifyDatasets[1]).data;
    const std::vector<std::uint64_t> cells = mc.read<std::uint64_t>(kVerifyDatasets[2]).data;
    double sum_pulses = 0.0, sum_failed = 0.0;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const double n = cells[c] ? static_cast<double>(cells[c]) : 1.0;
      sum_pulses += static_cast<double>(pulses[c]) / n;
      sum_failed += static_cast<double>(failed[c]) / n;
    }
    o.verify_mean_pulses = sum_pulses / static_cast<double>(cells.size());
    o.verify_failed_fraction = sum_failed / static_cast<double>(cells.size());
    mc.set_attribute("verify_mean_pulses", o.verify_mean_pulses);
    mc.set_attribute("verify_failed_fraction", o.verify_failed_fraction);
  }

  const std::string partial = file_.file_name();
  file_.close();
  std::error_code ec;
  std::filesystem::rename(partial, out_path_, ec);
  if (ec) throw UserError("cannot write " + out_path_ + ": " + ec.message());
  return o;
}

void ResultsFile::close() {
  file_.close();
}

}  // namespace xbarmc::study

"""Which figures and tables a results file gets, by study type.

mc:    accuracy histogram/ECDF, yield vs spec (a fan chart first when it has several
       times); summary, yield and reference tables.
drift: fan chart vs log time, yield over time (when specs exist), histogram/ECDF and
       yield vs spec at the last time; tables per group.
sweep: cost vs objective scatter, histogram/ECDF and yield vs spec of the test
       evaluations of best and recommendation; the best/recommended/top rows.
budget, tolerance: analysis_sections.py (the waterfall, the yield curve).
Networks (files with per-layer counts) also get, per study type, the per-layer spike
rate and ADC saturation figure at the last time and a per-layer table per group;
one-layer files get exactly the blocks above.
Every yield and summary value shown is the one stored in the file; values the
analysis recomputes from the per-chip accuracies only feed a consistency check.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import plots, stats
from .io import LayerRecord, Results, StudyGroup

TOP_SWEEP_ROWS = 10


@dataclasses.dataclass
class FigureBlock:
    key: str          # short file-name-safe name, e.g. "accuracy_distribution"
    title: str
    caption: str      # how to read it
    png: bytes


@dataclasses.dataclass
class TableBlock:
    kind: str         # "summary" | "yield" | "reference" | "sweep" | "layers" (HTML class, used by tests)
    title: str
    columns: List[str]
    rows: List[List[str]]
    group: str = ""   # study group path (HTML data-group)


@dataclasses.dataclass
class Section:
    path: str
    study: str
    metadata: List[Tuple[str, str]]
    config_toml: str
    warnings: List[str]
    blocks: list


def fmt_acc(value: float) -> str:
    """Accuracies, yields and Wilson bounds: 4 decimals (0.1 pp)."""
    return "nan" if not np.isfinite(value) else f"{value:.4f}"


def fmt_value(value: float) -> str:
    """Physical quantities, spike rates and saturation fractions: 4 significant digits."""
    return "nan" if not np.isfinite(value) else f"{value:.4g}"


def fmt_time(seconds: float) -> str:
    named = plots.format_duration(seconds)
    return named if named == f"{seconds:g} s" else f"{named} ({seconds:g} s)"


def _specs(groups: Sequence[StudyGroup]) -> List[Tuple[str, float]]:
    out = {}
    for g in groups:
        if g.yields is not None:
            for name, threshold in zip(g.yields.spec, g.yields.threshold):
                out.setdefault((name, float(threshold)), None)
    return list(out)


def _series(label: str, g: StudyGroup, k: int) -> plots.Series:
    y = g.yields
    return plots.Series(label=label, accuracy=g.accuracy[k], n_images=g.n_images,
                        spec=y.spec if y else (), threshold=y.threshold if y else None,
                        fraction=y.fraction[k] if y else None, wilson_low=y.wilson_low[k] if y else None,
                        wilson_high=y.wilson_high[k] if y else None)


def _references(reference: Dict[str, float]) -> Dict[str, float]:
    names = {"float_accuracy": "float", "nominal_accuracy": "nominal chip"}
    return {label: reference[key] for key, label in names.items() if key in reference}


def _recomputed_summary(accuracy: np.ndarray) -> Dict[str, np.ndarray]:
    """DESIGN §2.6 statistics per time: sample std (n-1), numpy's linear percentiles."""
    n = accuracy.shape[1]
    out = {"mean": accuracy.mean(axis=1), "min": accuracy.min(axis=1), "max": accuracy.max(axis=1),
           "std": accuracy.std(axis=1, ddof=1) if n > 1 else np.full(accuracy.shape[0], np.nan)}
    for q in (1, 5, 10, 50):
        out[f"p{q}"] = np.percentile(accuracy, q, axis=1)
    return out


def _check(g: StudyGroup) -> List[str]:
    """Stored statistics vs the same statistics recomputed from the stored accuracies
    (tolerance 1e-9: the tool may sum in another order, nothing more)."""
    problems = []
    if g.n_images and np.max(np.abs(g.correct / g.n_images - g.accuracy)) > 1e-12:
        problems.append(f"{g.path}/accuracy differs from correct / n_images")
    recomputed = _recomputed_summary(g.accuracy)
    for name, stored in g.summary.items():
        if not np.allclose(stored, recomputed[name], rtol=0, atol=1e-9, equal_nan=True):
            problems.append(f"{g.path}/summary/{name} differs from the {name} of the stored accuracies")
    if g.yields is not None:
        passing = (g.accuracy[:, :, None] >= g.yields.threshold[None, None, :]).sum(axis=1)
        low, high = stats.wilson_interval(passing, g.n_chips)
        if not np.allclose(passing / g.n_chips, g.yields.fraction, rtol=0, atol=1e-12):
            problems.append(f"{g.path}/yield/fraction differs from the fraction of stored accuracies >= threshold")
        elif not (np.allclose(low, g.yields.wilson_low, rtol=0, atol=1e-9)
                  and np.allclose(high, g.yields.wilson_high, rtol=0, atol=1e-9)):
            problems.append(f"{g.path}/yield/wilson_low or wilson_high differs from the 95 % Wilson interval")
    return problems


def layer_saturation_fraction(g: StudyGroup, layers: Sequence[LayerRecord]) -> Optional[np.ndarray]:
    """[n_layers, n_times, n_chips] fraction of each layer's ADC reads that were clamped:
    layer_saturated / (n_images · T · adcs_l). None without the layer records (a sweep's
    test groups): adcs, the conversions per step of one image, come from /mapping/layers."""
    if not g.n_layers or len(layers) != g.n_layers:
        return None
    adcs = np.array([layer.adcs for layer in layers], dtype=float)[:, None, None]
    return g.layer_saturated / (float(g.n_images) * g.timesteps * adcs)


def _check_layers(g: StudyGroup, layers: Sequence[LayerRecord]) -> List[str]:
    """The per-layer counts against each other and the definitions of DESIGN §2.7."""
    if not g.n_layers:
        return []
    problems = []
    if g.saturated is not None and not np.array_equal(g.layer_saturated.sum(axis=0, dtype=np.uint64),
                                                      g.saturated.astype(np.uint64)):
        problems.append(f"{g.path}/layer_saturated summed over layers differs from {g.path}/saturated")
    if layers:
        n_out = np.array([layer.n_out for layer in layers], dtype=float)[:, None, None]
        rate = g.layer_spikes / (float(g.n_images) * g.timesteps * n_out)
        if not np.allclose(g.layer_spike_rate, rate, rtol=1e-12, atol=0):
            problems.append(f"{g.path}/layer_spike_rate differs from layer_spikes / (n_images · timesteps · n_out)")
        if np.any(layer_saturation_fraction(g, layers) > 1.0):
            problems.append(f"{g.path}/layer_saturated exceeds the layer's ADC reads (n_images · timesteps · adcs)")
    return problems


def _summary_table(g: StudyGroup, title: str) -> TableBlock:
    names = [s for s in ("mean", "std", "min", "p1", "p5", "p10", "p50", "max") if s in g.summary]
    columns = ["time"] + names
    extras = [("no_spike", g.no_spike, "no-spike images / chip"), ("saturated", g.saturated, "saturated reads / chip")]
    columns += [label for _, data, label in extras if data is not None]
    rows = []
    for k, t in enumerate(g.times):
        row = [fmt_time(t)] + [fmt_acc(g.summary[s][k]) for s in names]
        row += [f"{np.mean(data[k]):.4g}" for _, data, _ in extras if data is not None]
        rows.append(row)
    if not names:
        title += " (no summary datasets in the file)"
    return TableBlock("summary", title, columns, rows, g.path)


def _yield_table(g: StudyGroup, title: str) -> Optional[TableBlock]:
    y = g.yields
    if y is None:
        return None
    rows = []
    for k, t in enumerate(g.times):
        for s, name in enumerate(y.spec):
            rows.append([fmt_time(t), name, fmt_acc(y.threshold[s]), fmt_acc(y.fraction[k, s]),
                         fmt_acc(y.wilson_low[k, s]), fmt_acc(y.wilson_high[k, s])])
    return TableBlock("yield", title, ["time", "spec", "threshold", "yield", "Wilson 95 % low",
                                       "Wilson 95 % high"], rows, g.path)


def _spread(values: np.ndarray) -> List[str]:
    """Mean, p5 and p95 over chips (numpy's linear percentiles, as everywhere in the report)."""
    p5, p95 = np.percentile(values, [5, 95])
    return [fmt_value(np.mean(values)), fmt_value(p5), fmt_value(p95)]


LAYER_COLUMNS = ["layer", "n_in→n_out", "bias", "shared_max", "arrays × R_a×C_a", "I_fs (A)", "ρ (codes)",
                 "r", "θ = r·ρ (codes)", "spike rate mean", "spike rate p5", "spike rate p95",
                 "saturation mean", "saturation p5", "saturation p95"]


def _layer_table(r: Results, g: StudyGroup, label: str) -> Optional[TableBlock]:
    """One row per layer: its mapping and readout (/mapping/layers, /reference/layers) and, at
    the last time, the spread over chips of its spike rate and ADC saturation fraction."""
    if not g.n_layers:
        return None
    k = g.n_times - 1
    saturation = layer_saturation_fraction(g, g.layers)
    rows = []
    for l in range(g.n_layers):
        row = [str(l)]
        if saturation is not None:
            layer = g.layers[l]
            row += [f"{layer.n_in}→{layer.n_out}", layer.bias_mode, fmt_value(layer.shared_max),
                    f"{layer.arrays} × {layer.array_rows}×{layer.array_cols}", fmt_value(layer.i_fs_a),
                    fmt_value(layer.rho), f"{layer.threshold_ratio:g}", fmt_value(layer.threshold)]
        else:
            row += ["—"] * 8
        row += _spread(g.layer_spike_rate[l, k])
        row += _spread(saturation[l, k]) if saturation is not None else ["—"] * 3
        rows.append(row)
    title = f"Per layer, {label}, at t = {fmt_time(g.times[k])}: mean, p5 and p95 over {g.n_chips} chips "
    if saturation is not None:
        records = "/mapping/layers, /reference/layers"
        if r.study == "sweep":  # each test group holds its own network's records
            records = f"{g.path}/mapping/layers, {g.path}/reference/layers"
        title += f"({g.path}/layer_*, {records})"
    else:
        title += (f"({g.path}/layer_*; the file has no /mapping/layers, so mapping, read-out and saturation "
                  "fraction are unknown)")
    return TableBlock("layers", title, LAYER_COLUMNS, rows, g.path)


def _reference_table(r: Results) -> Optional[TableBlock]:
    if not r.reference:
        return None
    rows = [[k, f"{v:.6g}" if "accuracy" not in k else fmt_acc(v)] for k, v in r.reference.items()]
    return TableBlock("reference", "References (/reference)", ["quantity", "value"], rows, "/reference")


def _figure(key: str, title: str, caption: str, fig) -> FigureBlock:
    return FigureBlock(key, title, caption, plots.to_png(fig))


CAPTION_DISTRIBUTION = (
    "Left: how many chips reach each accuracy. Right: the empirical CDF, the fraction of chips at or "
    "below an accuracy. Dashed grey lines are the yield specs; coloured dotted lines the float model "
    "and the nominal (variation-free) chip. A long left tail means a few badly programmed chips.")
CAPTION_YIELD_SPEC = (
    "Yield (fraction of chips meeting the spec) for every possible accuracy spec, with its 95 % Wilson "
    "band for this number of chips; the points with error bars are the yields stored for the specs "
    "that were asked for. Read the yield at your spec off the curve; the band's width is the "
    "uncertainty from sampling a finite number of chips.")
CAPTION_FAN = (
    "Per-chip accuracy against time after programming (log axis): the line is the median chip, the "
    "band holds the middle 90 % of chips (p5 to p95), the dotted line the worst chip. Compare the "
    "uncompensated and compensated fans to see what the digital drift-compensation gain recovers.")
CAPTION_YIELD_TIME = (
    "Stored yield per spec against time after programming (log axis), with its 95 % Wilson band. "
    "The time where a curve falls below your target yield is the retention limit for that spec.")
CAPTION_SWEEP = (
    "Every swept combination: cost of the configuration against its val objective. The star is the "
    "best objective; the gold band holds the combinations within the tolerance of it; the red ring "
    "is the recommendation, the cheapest combination inside the band. The grey step is the Pareto "
    "front (best objective for at most that cost).")


CAPTION_LAYERS = (
    "Per layer (input to output, left to right), the distribution over chips at the last time, one box "
    "per study group: the box holds the middle half of the chips, the black line is the median chip, the "
    "diamond the mean, the whiskers reach p5 and p95, dots are the chips beyond. Left: spike rate, the "
    "fraction of neuron-steps with a spike; near 0 a layer passes almost nothing on, near 1 it fires "
    "every step. Right: the fraction of the layer's ADC reads clamped at full scale (a log axis when the "
    "values span decades, linear near 0); a calibrated full scale clamps about 0.1 % of the nominal "
    "chip's reads, so a layer far above that loses the top of its range on these chips.")


def _layer_findings(series: Sequence[plots.LayerSeries], names: Sequence[str]) -> str:
    """Which layer saturates most (per group), and any layer silent on its median chip."""
    sentences = []
    if any(s.saturation is None for s in series):
        sentences.append("the file has no /mapping/layers, so the ADC count per layer that the saturation "
                         "fraction needs is unknown; only spike rates are shown.")
    for s in series:
        who = f"{s.label}: " if len(series) > 1 else ""
        if s.saturation is not None:
            mean = s.saturation.mean(axis=1)
            worst = int(np.argmax(mean))
            if mean[worst] == 0:
                sentences.append(f"{who}no ADC read of any layer was clamped.")
            else:
                p95 = np.percentile(s.saturation[worst], 95)
                sentences.append(f"{who}layer {names[worst]} saturates most, {100 * mean[worst]:.3g} % of its "
                                 f"ADC reads clamped on average (p95 of chips {100 * p95:.3g} %).")
        silent = [names[l] for l in range(s.spike_rate.shape[0]) if np.median(s.spike_rate[l]) == 0]
        if silent:
            sentences.append(f"{who}silent on the median chip (no spike, so nothing reaches the later "
                             f"layers): layer {', '.join(silent)}.")
    return " ".join(sentence[0].upper() + sentence[1:] for sentence in sentences)


def _layer_figure(r: Results, prefix: str, labelled: Sequence[Tuple[str, StudyGroup]]) -> list:
    """The per-layer figure of the groups with per-layer counts, each at its last time."""
    labelled = [(label, g) for label, g in labelled if g.n_layers]
    if not labelled:
        return []
    series = []
    for label, g in labelled:
        saturation = layer_saturation_fraction(g, g.layers)
        series.append(plots.LayerSeries(label=label, spike_rate=g.layer_spike_rate[:, -1],
                                        saturation=None if saturation is None else saturation[:, -1]))
    n_layers = max(g.n_layers for _, g in labelled)
    # Layer shapes in the names when every group is the same network (a sweep's best and
    # recommendation may differ).
    shapes = {tuple((layer.n_in, layer.n_out) for layer in g.layers) for _, g in labelled}
    layers = labelled[0][1].layers
    same = len(shapes) == 1 and len(layers) == n_layers
    names = [f"{l} ({layers[l].n_in}→{layers[l].n_out})" if same else str(l) for l in range(n_layers)]
    last = plots.format_duration(labelled[0][1].times[-1])
    caption = CAPTION_LAYERS + " At t = " + last + ": " + _layer_findings(series, names)
    tick_names = [name.replace(" (", "\n(") for name in names]
    return [_figure("layer_activity", f"{prefix}: per-layer spike rate and ADC saturation", caption,
                    plots.layer_activity(tick_names, series,
                                         f"{prefix}: per-layer spike rate and ADC saturation over chips "
                                         f"at t = {last}"))]


def _study_blocks(r: Results, prefix: str, entries: List[Tuple[str, StudyGroup, int]]) -> list:
    """Distribution and yield-vs-spec figures of (label, group, time index) entries."""
    groups = [g for _, g, _ in entries]
    series = [_series(label, g, k) for label, g, k in entries]
    split = groups[0].split or ""
    if r.study == "sweep":
        refs = {"float": float(groups[0].attrs["float_accuracy"])} if "float_accuracy" in groups[0].attrs else {}
    else:
        refs = _references(r.reference)
    return [
        _figure("accuracy_distribution", f"{prefix}: accuracy distribution", CAPTION_DISTRIBUTION,
                plots.accuracy_distribution(series, _specs(groups), refs,
                                            f"{prefix}: per-chip accuracy", split)),
        _figure("yield_vs_spec", f"{prefix}: yield vs spec", CAPTION_YIELD_SPEC,
                plots.yield_vs_spec(series, f"{prefix}: yield vs accuracy spec", split)),
    ]


def _mc_blocks(r: Results) -> list:
    g = r.groups["mc"]
    # One series per time; a single time (the usual mc study) is just "chips".
    entries = [("chips" if g.n_times == 1 else f"t = {plots.format_duration(t)}", g, k)
               for k, t in enumerate(g.times)]
    blocks = _study_blocks(r, "mc", entries)
    if np.count_nonzero(g.times > 0) >= 2:
        # Several times in one mc study: the same fan as a drift study, one read-out.
        blocks.insert(0, _figure("drift_fan", "mc: accuracy vs time", CAPTION_FAN,
                                 plots.drift_fan(g.times, [("chips", g.accuracy)], _specs([g]),
                                                 _references(r.reference),
                                                 "mc: per-chip accuracy vs time after programming",
                                                 g.split or "")))
    blocks += _layer_figure(r, "mc", [("chips", g)])
    tables = [_summary_table(g, "Summary per time (/mc/summary)"), _yield_table(g, "Yield (/mc/yield)"),
              _layer_table(r, g, "chips"), _reference_table(r)]
    return blocks + [t for t in tables if t is not None]


def _drift_blocks(r: Results) -> list:
    labelled = list(r.groups.items())
    first = labelled[0][1]
    times, split = first.times, first.split or ""
    blocks = [_figure("drift_fan", "drift: accuracy vs time", CAPTION_FAN,
                      plots.drift_fan(times, [(label, g.accuracy) for label, g in labelled],
                                      _specs([g for _, g in labelled]), _references(r.reference),
                                      "drift: per-chip accuracy vs time after programming", split))]
    with_yield = [(label, g.yields) for label, g in labelled if g.yields is not None]
    if with_yield:
        blocks.append(_figure("yield_over_time", "drift: yield vs time", CAPTION_YIELD_TIME,
                              plots.yield_over_time(times, with_yield, "drift: yield vs time after programming")))
    last = plots.format_duration(times[-1])
    blocks += _study_blocks(r, f"drift at t = {last}", [(label, g, g.n_times - 1) for label, g in labelled])
    blocks += _layer_figure(r, "drift", labelled)
    for label, g in labelled:
        blocks.append(_summary_table(g, f"Summary per time, {label} ({g.path}/summary)"))
        for table in (_yield_table(g, f"Yield, {label} ({g.path}/yield)"), _layer_table(r, g, label)):
            if table is not None:
                blocks.append(table)
    reference = _reference_table(r)
    return blocks + ([reference] if reference else [])


def _sweep_row(table, i: int, role: str) -> List[str]:
    network = "hidden" in table  # a network sweep's table (DESIGN §2.7)
    row = [role, str(i), str(table["method"][i])]
    if network:
        row += [str(table["hidden"][i]), f"{table['array_rows'][i]}x{table['array_cols'][i]}"]
    row += [str(table["scheme"][i]), str(table["adc_bits"][i]), str(table["weight_bits"][i]),
            str(table["timesteps"][i]), str(table["reset"][i])]
    row.append(str(table["threshold_ratios"][i]) if network else f"{table['threshold_ratio'][i]:g}")
    return row + [f"{table['cost'][i]:.4g}", fmt_acc(table["val_nominal"][i]), fmt_acc(table["val_mc_mean"][i]),
                  fmt_acc(table["val_mc_p5"][i]), fmt_acc(table["val_yield"][i]), fmt_acc(table["objective"][i])]


def _sweep_blocks(r: Results) -> list:
    s = r.sweep
    blocks = [_figure("sweep_scatter", "sweep: cost vs objective", CAPTION_SWEEP,
                      plots.sweep_scatter(s, f"sweep: {s.n_rows} combinations on val"))]
    network = "hidden" in s.table
    columns = (["role", "row", "method"] + (["hidden", "arrays"] if network else [])
               + ["scheme", "ADC bits", "weight bits", "timesteps", "reset",
                  "threshold ratios (per layer)" if network else "threshold ratio", "cost", "val nominal",
                  "val MC mean", "val MC p5", "val yield", "objective"])
    top = np.argsort(-np.asarray(s.table["objective"], dtype=float), kind="stable")[:TOP_SWEEP_ROWS]
    rows = [_sweep_row(s.table, s.best_index, "best"),
            _sweep_row(s.table, s.recommendation_index, "recommendation")]
    rows += [_sweep_row(s.table, int(i), f"top {rank + 1}") for rank, i in enumerate(top)]
    tolerance = f", tolerance {s.tolerance:g}" if s.tolerance is not None else ""
    blocks.append(TableBlock("sweep", f"Best, recommendation and the top {len(top)} by objective "
                             f"({s.objective_name or 'objective'}{tolerance})", columns, rows, "/sweep/table"))
    labelled = [(f"test, {which}", g) for which, g in s.test.items()]
    if labelled:
        blocks += _study_blocks(r, "sweep test", [(label, g, 0) for label, g in labelled])
        blocks += _layer_figure(r, "sweep test", labelled)
        for label, g in labelled:
            blocks.append(_summary_table(g, f"Summary, {label} ({g.path}/summary)"))
            for table in (_yield_table(g, f"Yield, {label} ({g.path}/yield)"), _layer_table(r, g, label)):
                if table is not None:
                    blocks.append(table)
            refs = [[k, fmt_acc(float(g.attrs[k]))] for k in ("float_accuracy", "nominal_accuracy") if k in g.attrs]
            if refs:
                blocks.append(TableBlock("reference", f"References, {label}", ["quantity", "value"], refs, g.path))
    return blocks


def _metadata(r: Results) -> List[Tuple[str, str]]:
    rows = [(k, str(r.root[k])) for k in ("study", "version", "git_describe", "command_line", "seed",
                                          "backend", "device_name", "created_utc", "resumed") if k in r.root]
    for label, g in r.groups.items():
        checksum = f", checksum {g.attrs['checksum']}" if "checksum" in g.attrs else ""
        rows.append((f"{g.path}", f"{g.n_chips} chips × {g.n_times} time(s), "
                     f"{g.n_images if g.n_images is not None else '?'} {g.split or ''} images{checksum}"))
    if r.mapping_shapes:
        rows.append(("mapping", ", ".join(f"{k} {'×'.join(map(str, v))}" for k, v in r.mapping_shapes.items())))
    if r.layers:
        shape = "→".join([str(r.layers[0].n_in)] + [str(layer.n_out) for layer in r.layers])
        modes = ", ".join(dict.fromkeys(layer.bias_mode for layer in r.layers))
        rows.append(("network", f"{len(r.layers)} layers {shape}, bias {modes}, "
                                f"{sum(layer.arrays for layer in r.layers)} arrays (/mapping/layers)"))
    return rows


def build(r: Results) -> Section:
    if r.study in ("budget", "tolerance"):
        from . import analysis_sections as a  # imports this module: loaded only when needed
        blocks, metadata, warnings = {
            "budget": (a.budget_blocks, a.budget_metadata, a.budget_warnings),
            "tolerance": (a.tolerance_blocks, a.tolerance_metadata, a.tolerance_warnings)}[r.study]
        return Section(path=r.path, study=r.study, metadata=_metadata(r) + metadata(r),
                       config_toml=str(r.root.get("config_toml", "")), warnings=warnings(r), blocks=blocks(r))
    blocks = {"mc": _mc_blocks, "drift": _drift_blocks, "sweep": _sweep_blocks}[r.study](r)
    warnings = [w for g in r.groups.values() for w in _check(g) + _check_layers(g, g.layers)]
    return Section(path=r.path, study=r.study, metadata=_metadata(r),
                   config_toml=str(r.root.get("config_toml", "")), warnings=warnings, blocks=blocks)

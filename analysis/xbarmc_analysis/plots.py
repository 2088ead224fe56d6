"""One function per figure of a results file; each returns a matplotlib Figure.

Figures are built on matplotlib.figure.Figure directly (Agg canvas, no pyplot
state), so a report can render many of them without leaking windows or memory.
Accuracies are fractions of the split's images; times are seconds after programming.
"""

from __future__ import annotations

import dataclasses
import io as _io
from typing import Dict, List, Optional, Sequence, Tuple

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
import numpy as np  # noqa: E402

from . import stats  # noqa: E402

SPEC_COLOR = "0.35"
REFERENCE_STYLES = {"float": ("tab:green", ":"), "nominal chip": ("tab:purple", "-.")}
SERIES_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown",
                 "tab:pink", "tab:olive", "tab:cyan", "tab:gray"]
_DURATION_UNITS = ((365.25 * 86400.0, "y"), (86400.0, "d"), (3600.0, "h"), (60.0, "min"), (1.0, "s"))


@dataclasses.dataclass
class Series:
    """The chips of one study group at one time, plus the yield the tool stored for them."""
    label: str
    accuracy: np.ndarray                      # [n_chips]
    n_images: Optional[int] = None
    spec: Sequence[str] = ()                  # stored yield specs at this time (may be empty)
    threshold: Optional[np.ndarray] = None
    fraction: Optional[np.ndarray] = None
    wilson_low: Optional[np.ndarray] = None
    wilson_high: Optional[np.ndarray] = None


def to_png(fig: Figure, dpi: int = 100) -> bytes:
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def format_duration(seconds: float) -> str:
    """1 -> '1 s', 86400 -> '1 d', 3.156e8 -> '10 y' (the drift grid's natural names)."""
    if seconds <= 0:
        return f"{seconds:g} s"
    for unit_s, name in _DURATION_UNITS:
        if seconds >= 0.995 * unit_s:
            value = seconds / unit_s
            if abs(value - round(value)) <= 0.01 * value:
                value = round(value)
            return f"{value:.3g} {name}"
    return f"{seconds:.3g} s"


def _mark_specs(ax, specs: Sequence[Tuple[str, float]], vertical: bool = True) -> None:
    """A dashed line per yield spec; labels come later from _label_specs, once the layout is known."""
    for i, (_, threshold) in enumerate(specs):
        line = (ax.axvline if vertical else ax.axhline)(threshold, color=SPEC_COLOR, ls="--", lw=1.0, zorder=1)
        if i == 0:
            line.set_label("yield specs (named at the " + ("top)" if vertical else "right)"))


def _spread(positions: np.ndarray, min_gap: float) -> np.ndarray:
    """Move sorted label positions (axes fractions) apart by at least min_gap, staying in [0, 1]."""
    order = np.argsort(positions)
    p = positions[order].astype(float)
    for i in range(1, p.size):
        p[i] = max(p[i], p[i - 1] + min_gap)
    p -= max(0.0, p[-1] - 0.99) if p.size else 0.0
    for i in range(p.size - 2, -1, -1):
        p[i] = min(p[i], p[i + 1] - min_gap)
    out = np.empty_like(p)
    out[order] = p
    return out


def _label_specs(fig: Figure, marked) -> None:
    """Label the spec lines of each (axes, specs, vertical) once the layout is known, nudging
    labels apart so that close specs stay readable."""
    fig.draw_without_rendering()
    for ax, specs, vertical in marked:
        lo, hi = ax.get_xlim() if vertical else ax.get_ylim()
        specs = [(n, t) for n, t in specs if lo <= t <= hi]
        if not specs:
            continue
        box = ax.get_window_extent()
        length_pt = (box.width if vertical else box.height) * 72.0 / fig.dpi
        where = _spread(np.array([(t - lo) / (hi - lo) for _, t in specs]), 10.0 / length_pt)
        for (name, t), f in zip(specs, where):
            if vertical:
                # Above the axes, slanted, with a leader to the line's top: never over the data.
                ax.annotate(name, (t, 1.0), xycoords=("data", "axes fraction"), xytext=(f, 1.02),
                            textcoords="axes fraction", rotation=45, va="bottom", ha="left",
                            rotation_mode="anchor", fontsize=7.5, color=SPEC_COLOR,
                            arrowprops=dict(arrowstyle="-", color=SPEC_COLOR, lw=0.6, shrinkA=0, shrinkB=0))
            else:
                # Outside the right edge, with a leader: never over the data.
                ax.annotate(name, (1.0, (t - lo) / (hi - lo)), xycoords="axes fraction", xytext=(1.03, f),
                            textcoords="axes fraction", ha="left", va="center", fontsize=7.5,
                            color=SPEC_COLOR,
                            arrowprops=dict(arrowstyle="-", color=SPEC_COLOR, lw=0.6, shrinkA=0, shrinkB=0))


def _mark_references(ax, references: Dict[str, float], vertical: bool = True) -> List[Line2D]:
    handles = []
    for name, value in references.items():
        color, style = REFERENCE_STYLES.get(name, ("0.2", ":"))
        line = (ax.axvline if vertical else ax.axhline)(value, color=color, ls=style, lw=1.4, zorder=2)
        line.set_label(f"{name} {value:.4f}")
        handles.append(line)
    return handles


def _histogram_edges(series: Sequence[Series]) -> np.ndarray:
    """Bin edges on whole numbers of correct images (no empty aliasing bins), about 30 bins."""
    values = np.concatenate([s.accuracy for s in series])
    lo, hi = float(values.min()), float(values.max())
    n_images = next((s.n_images for s in series if s.n_images), None)
    if n_images is None or hi == lo:
        return np.histogram_bin_edges(values, bins=30 if hi > lo else 1)
    k_lo, k_hi = int(round(lo * n_images)), int(round(hi * n_images))
    width = max(1, int(np.ceil((k_hi - k_lo + 1) / 30)))
    return (np.arange(k_lo, k_hi + width + 1, width) - 0.5) / n_images


def _accuracy_limits(series: Sequence[Series], specs, references) -> Tuple[float, float]:
    points = np.concatenate([s.accuracy for s in series] +
                            [np.array([t for _, t in specs] + list(references.values()), dtype=float)])
    lo, hi = float(points.min()), float(points.max())
    pad = max(0.05 * (hi - lo), 0.002)
    return lo - pad, hi + pad


def accuracy_distribution(series: Sequence[Series], specs: Sequence[Tuple[str, float]],
                          references: Dict[str, float], title: str, split: str = "") -> Figure:
    """Histogram (left) and ECDF (right) of per-chip accuracy, specs and references marked."""
    fig = Figure(figsize=(11, 4.4), layout="constrained")
    ax_hist, ax_ecdf = fig.subplots(1, 2)
    edges = _histogram_edges(series)
    for i, s in enumerate(series):
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        filled = len(series) == 1
        ax_hist.hist(s.accuracy, bins=edges, color=color, alpha=0.75 if filled else 1.0,
                     histtype="stepfilled" if filled else "step", lw=1.5, label=s.label)
        x = np.sort(s.accuracy)
        ax_ecdf.step(x, np.arange(1, x.size + 1) / x.size, where="post", color=color, lw=1.6,
                     label=f"{s.label} ({x.size} chips)")
    lo, hi = _accuracy_limits(series, specs, references)
    what = f"{split} accuracy" if split else "accuracy"
    for ax in (ax_hist, ax_ecdf):
        ax.set_xlim(lo, hi)
        ax.set_xlabel(f"per-chip {what} (fraction of images correct)")
        ax.grid(alpha=0.3)
        _mark_specs(ax, specs)
        _mark_references(ax, references)
    ax_hist.set_ylabel("chips per bin")
    ax_ecdf.set_ylabel("ECDF: fraction of chips with accuracy ≤ x")
    ax_ecdf.set_ylim(0, 1.02)
    ax_hist.legend(fontsize=8, loc="upper left")
    ax_ecdf.legend(fontsize=8, loc="upper left")
    fig.suptitle(title)
    _label_specs(fig, [(ax_hist, specs, True), (ax_ecdf, specs, True)])
    return fig


def yield_vs_spec(series: Sequence[Series], title: str, split: str = "") -> Figure:
    """Yield as a function of the accuracy spec, 95 % Wilson band; stored specs as points."""
    fig = Figure(figsize=(8.5, 4.8), layout="constrained")
    ax = fig.subplots()
    specs = []
    for i, s in enumerate(series):
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        t, y, low, high = stats.yield_curve(s.accuracy)
        # Extend the steps past both ends: every chip passes a spec below the worst chip.
        t_plot = np.concatenate([[t[0] - 1.0], t, [t[-1] + 1.0]])
        lo_all, hi_all = stats.wilson_interval(s.accuracy.size, s.accuracy.size)
        lo_none, hi_none = stats.wilson_interval(0, s.accuracy.size)
        y_plot = np.concatenate([[1.0], y, [0.0]])
        ax.step(t_plot, y_plot, where="pre", color=color, lw=1.6, label=f"{s.label} ({s.accuracy.size} chips)")
        ax.fill_between(t_plot, np.concatenate([[lo_all], low, [lo_none]]),
                        np.concatenate([[hi_all], high, [hi_none]]), step="pre", color=color, alpha=0.18,
                        lw=0)
        if s.threshold is not None and len(s.spec):
            # Clipped: an inconsistent file (flagged by the report) must still plot.
            err = np.clip(np.vstack([s.fraction - s.wilson_low, s.wilson_high - s.fraction]), 0.0, None)
            ax.errorbar(s.threshold, s.fraction, yerr=err, fmt="o", color=color, ms=6, mec="black",
                        mew=0.7, capsize=4, zorder=5)
            specs.extend(zip(s.spec, s.threshold))
    unique_specs = list(dict.fromkeys((name, float(t)) for name, t in specs))
    lo, hi = _accuracy_limits(series, unique_specs, {})
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.02, 1.05)
    _mark_specs(ax, unique_specs)
    what = f"{split} accuracy" if split else "accuracy"
    ax.set_xlabel(f"accuracy spec a ({what}, fraction of images correct)")
    ax.set_ylabel("yield = fraction of chips with accuracy ≥ a")
    ax.grid(alpha=0.3)
    handles, _ = ax.get_legend_handles_labels()
    handles.append(Patch(color="0.5", alpha=0.3, label="shaded: 95 % Wilson band"))
    if unique_specs:
        handles.append(Line2D([], [], marker="o", ls="", color="0.5", mec="black",
                              label="points: yield stored in the file ± Wilson"))
    if len(series) > 2:
        ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        ax.legend(handles=handles, fontsize=8, loc="lower left")
    fig.suptitle(title)
    _label_specs(fig, [(ax, unique_specs, True)])
    return fig


def _log_time_axis(ax, times: np.ndarray) -> None:
    ax.set_xscale("log")
    ax.set_xticks(times)
    ax.set_xticklabels([format_duration(t) for t in times])
    ax.minorticks_off()
    ax.set_xlabel("time after programming (log scale)")
    ax.grid(alpha=0.3, which="both")


def drift_fan(times: np.ndarray, groups: Sequence[Tuple[str, np.ndarray]],
              specs: Sequence[Tuple[str, float]], references: Dict[str, float], title: str,
              split: str = "") -> Figure:
    """Median and p5–p95 band of per-chip accuracy vs log time, one fan per group."""
    fig = Figure(figsize=(11, 6.2), layout="constrained")
    ax = fig.subplots()
    keep = times > 0  # a log axis cannot show t = 0
    t = times[keep]
    for i, (label, accuracy) in enumerate(groups):
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        p5, p50, p95 = stats.percentiles(accuracy[keep], [5, 50, 95])
        ax.fill_between(t, p5, p95, color=color, alpha=0.2, lw=0, label=f"{label}: p5–p95 of chips")
        ax.plot(t, p50, "o-", color=color, lw=2, label=f"{label}: median chip")
        ax.plot(t, accuracy[keep].min(axis=1), ":", color=color, lw=1, label=f"{label}: worst chip")
    _mark_specs(ax, specs, vertical=False)
    _mark_references(ax, references, vertical=False)
    _log_time_axis(ax, t)
    what = f"{split} accuracy" if split else "accuracy"
    ax.set_ylabel(f"per-chip {what} (fraction of images correct)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3)
    ax.set_title(title if keep.all() else f"{title} (t = 0 not shown on the log axis)")
    _label_specs(fig, [(ax, specs, False)])
    return fig


def yield_over_time(times: np.ndarray, groups: Sequence[Tuple[str, "object"]], title: str) -> Figure:
    """Stored yield per spec vs log time with its 95 % Wilson band, one panel per group."""
    fig = Figure(figsize=(5.2 * len(groups) + 2.4, 4.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(groups), sharey=True))
    keep = times > 0
    t = times[keep]
    for ax, (label, yields) in zip(axes, groups):
        for k, name in enumerate(yields.spec):
            color = SERIES_COLORS[k % len(SERIES_COLORS)]
            ax.fill_between(t, yields.wilson_low[keep, k], yields.wilson_high[keep, k], color=color,
                            alpha=0.18, lw=0)
            ax.plot(t, yields.fraction[keep, k], "o-", color=color, lw=1.8,
                    label=f"spec {name} (≥ {yields.threshold[k]:.4f})")
        _log_time_axis(ax, t)
        ax.set_ylim(-0.02, 1.05)
        ax.set_title(label)
    axes[-1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), title="band: 95 % Wilson",
                    title_fontsize=8)
    axes[0].set_ylabel("yield = fraction of chips meeting the spec")
    fig.suptitle(title)
    return fig


def _family(table: Dict[str, np.ndarray], i: int) -> str:
    """The method, and for a network sweep its hidden layers and arrays (one colour each)."""
    if "hidden" not in table:
        return str(table["method"][i])
    return (f"{table['method'][i]}, hidden {table['hidden'][i]}, "
            f"arrays {table['array_rows'][i]}x{table['array_cols'][i]}")


def _config_label(table: Dict[str, np.ndarray], i: int) -> str:
    return (f"{_family(table, i)}, scheme {table['scheme'][i]}, ADC {table['adc_bits'][i]} b,\n"
            f"weights {table['weight_bits'][i]} b, T {table['timesteps'][i]}, cost {table['cost'][i]:.3g}, "
            f"objective {table['objective'][i]:.4f}")


def sweep_scatter(sweep, title: str) -> Figure:
    """Cost vs val objective of every combination; best, recommendation and tolerance marked."""
    table = sweep.table
    cost = np.asarray(table["cost"], dtype=float)
    objective = np.asarray(table["objective"], dtype=float)
    fig = Figure(figsize=(12, 5.6), layout="constrained")
    ax = fig.subplots()
    family = np.array([_family(table, i) for i in range(len(cost))], dtype=object)
    methods = list(dict.fromkeys(family.tolist()))
    schemes = list(dict.fromkeys(table["scheme"].tolist()))
    markers = ["o", "s", "^", "D", "v", "P"]
    for i, method in enumerate(methods):
        for j, scheme in enumerate(schemes):
            rows = (family == method) & (table["scheme"] == scheme)
            if rows.any():
                ax.scatter(cost[rows], objective[rows], s=22, alpha=0.75,
                           color=SERIES_COLORS[i % len(SERIES_COLORS)], marker=markers[j % len(markers)],
                           label=f"{method}, scheme {scheme}")
    # Pareto front: the best objective reachable at each cost or less.
    order = np.lexsort((-objective, cost))
    front = order[objective[order] >= np.maximum.accumulate(objective[order])]
    ax.step(cost[front], objective[front], where="post", color="0.3", lw=1, label="Pareto front")
    best, rec = sweep.best_index, sweep.recommendation_index
    if sweep.tolerance is not None:
        ax.axhspan(objective[best] - sweep.tolerance, objective[best], color="gold", alpha=0.2,
                   label=f"within tolerance {sweep.tolerance:g} of best")
    ax.scatter([cost[best]], [objective[best]], s=260, marker="*", color="gold", edgecolor="black",
               zorder=6, label="best (row %d):\n" % best + _config_label(table, best))
    ax.scatter([cost[rec]], [objective[rec]], s=200, facecolor="none", edgecolor="red", lw=2.2,
               zorder=6, label="recommendation (row %d):\n" % rec + _config_label(table, rec))
    ax.set_xlabel("cost (the sweep's cost model, relative units; lower is cheaper)")
    ax.set_ylabel(f"val objective: {sweep.objective_name or 'objective'} (accuracy fraction)")
    span = max(objective.max() - objective.min(), 0.01)
    ax.set_ylim(objective.min() - 0.05 * span, objective.max() + 0.12 * span)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(title)
    return fig


@dataclasses.dataclass
class LayerSeries:
    """Per-layer distributions over the chips of one study group at one time."""
    label: str                          # study group, e.g. "chips", "uncompensated"
    spike_rate: np.ndarray              # [n_layers, n_chips] spikes / (images · T · neurons)
    saturation: Optional[np.ndarray]    # [n_layers, n_chips] clamped / (images · T · ADCs); None: unknown


def _value_scale(ax, values: np.ndarray) -> None:
    """Linear unless the positive values span more than 1.5 decades; then log, or symlog
    (linear near 0) when some values are exactly 0, so that zero and 1e-6 both show."""
    positive = values[values > 0]
    if positive.size == 0 or positive.max() / positive.min() <= 30.0:
        top = float(values.max())
        ax.set_ylim(bottom=0.0, top=1.08 * top if top > 0 else 1.0)
        return
    if positive.size == values.size:
        ax.set_yscale("log")
        return
    linthresh = 10.0 ** np.floor(np.log10(positive.min()))
    ax.set_yscale("symlog", linthresh=linthresh, linscale=0.4)
    ax.set_ylim(bottom=0.0, top=10.0 ** np.ceil(np.log10(positive.max()) + 0.05))


def layer_activity(layer_names: Sequence[str], series: Sequence[LayerSeries], title: str) -> Figure:
    """Per layer, box plots over chips of the spike rate (left) and the ADC saturation
    fraction (right), one box per study group side by side; saturation is left out when
    the file lacks what it needs."""
    with_saturation = all(s.saturation is not None for s in series)
    fig = Figure(figsize=(11, 4.8) if with_saturation else (7.5, 4.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, 2 if with_saturation else 1))
    n_layers = len(layer_names)
    width = 0.7 / len(series)
    panels = [(axes[0], "spike_rate", "spike rate = spikes / (images · T · neurons)")]
    if with_saturation:
        panels.append((axes[1], "saturation", "saturation = clamped ADC reads / (images · T · ADCs)"))
    for ax, field, ylabel in panels:
        for i, s in enumerate(series):
            color = SERIES_COLORS[i % len(SERIES_COLORS)]
            data = getattr(s, field)
            positions = np.arange(data.shape[0]) + (i - (len(series) - 1) / 2.0) * width
            ax.boxplot(list(data), positions=positions, widths=0.85 * width, whis=(5, 95), showmeans=True,
                       patch_artist=True, manage_ticks=False,
                       boxprops=dict(facecolor=color, alpha=0.45, edgecolor=color),
                       medianprops=dict(color="black", lw=1.6), whiskerprops=dict(color=color, lw=1.2),
                       capprops=dict(color=color, lw=1.2),
                       meanprops=dict(marker="D", markerfacecolor="white", markeredgecolor="black", ms=5),
                       flierprops=dict(marker=".", markerfacecolor=color, markeredgecolor=color, ms=4,
                                       alpha=0.6))
        _value_scale(ax, np.concatenate([getattr(s, field).ravel() for s in series]))
        ax.set_xticks(np.arange(n_layers))
        ax.set_xticklabels(layer_names, fontsize=8)
        ax.set_xlim(-0.6, n_layers - 0.4)
        ax.set_xlabel("layer (input → output)")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3, axis="y", which="both")
    handles = [Patch(facecolor=SERIES_COLORS[i % len(SERIES_COLORS)], alpha=0.45,
                     label=f"{s.label} ({s.spike_rate.shape[1]} chips)") for i, s in enumerate(series)]
    handles += [Line2D([], [], color="black", lw=1.6, label="median chip"),
                Line2D([], [], marker="D", ls="", markerfacecolor="white", markeredgecolor="black",
                       label="mean"),
                Line2D([], [], color="0.4", label="box p25–p75, whiskers p5–p95")]
    axes[0].legend(handles=handles, fontsize=8, loc="best")
    fig.suptitle(title)
    return fig


@dataclasses.dataclass
class WaterfallStep:
    """One bar of the budget waterfall: a total (drawn from the axis floor) or a change."""
    label: str
    value: float                 # the total, or the change of accuracy (negative = a loss)
    total: bool = False
    error: Optional[float] = None  # standard error of a change (paired over the same chips)


def budget_waterfall(steps: Sequence[WaterfallStep], marginal: Sequence[Tuple[str, float, float, float, float]],
                     title: str) -> Figure:
    """Left: the waterfall from float to the chip with every non-ideality, each step the
    accuracy it costs (red) or gains (green), totals in grey. Right: per factor, what it
    costs alone on the nominal chip and with every other factor on (all but it − all),
    with ±1 standard error (label, alone, alone_se, marginal, marginal_se)."""
    fig = Figure(figsize=(13, 5.6), layout="constrained")
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
    level, tops, bottoms = 0.0, [], []
    for step in steps:  # a total's bar starts at the floor, so only its top counts
        start = step.value if step.total else level
        end = step.value if step.total else level + step.value
        tops.append(max(start, end))
        bottoms.append(min(start, end))
        level = end
    floor = max(0.0, min(bottoms) - 0.25 * (max(tops) - min(bottoms) + 0.01))
    level = 0.0
    for i, step in enumerate(steps):
        if step.total:
            left.bar(i, step.value - floor, bottom=floor, color="0.55", edgecolor="0.25", width=0.7)
            left.text(i, step.value, f"{step.value:.4f}", ha="center", va="bottom", fontsize=8)
            level = step.value
            continue
        color = "tab:red" if step.value < 0 else "tab:green"
        left.bar(i, step.value, bottom=level, color=color, edgecolor="0.25", width=0.7, alpha=0.85)
        if step.error:
            left.errorbar(i, level + step.value, yerr=step.error, color="black", capsize=3, lw=1)
        left.text(i, max(level, level + step.value), f"{100 * step.value:+.2f} pp", ha="center", va="bottom",
                  fontsize=8)
        if i + 1 < len(steps):
            left.plot([i + 0.35, i + 0.65], [level + step.value] * 2, color="0.4", lw=0.8)
        level += step.value
    left.set_xticks(range(len(steps)))
    left.set_xticklabels([s.label for s in steps], rotation=35, ha="right", fontsize=8.5)
    left.set_ylim(floor, max(tops) + 0.08 * (max(tops) - floor))
    left.set_ylabel("mean accuracy over chips (axis from %.2f)" % floor)
    left.grid(axis="y", alpha=0.3)
    left.set_title("from float weights to the chip with every non-ideality", fontsize=10)
    left.legend(handles=[Patch(color="0.55", label="accuracy"), Patch(color="tab:red", label="loss"),
                         Patch(color="tab:green", label="gain"),
                         Line2D([], [], color="black", lw=1, label="±1 standard error (same chips)")],
                fontsize=8, loc="upper right")
    y = np.arange(len(marginal))
    if marginal:
        alone = [100 * m[1] for m in marginal]
        with_rest = [100 * m[3] for m in marginal]
        right.barh(y - 0.2, alone, height=0.38, xerr=[100 * m[2] for m in marginal], color="tab:blue",
                   capsize=2, label="alone on the nominal chip")
        right.barh(y + 0.2, with_rest, height=0.38, xerr=[100 * m[4] for m in marginal], color="tab:orange",
                   capsize=2, label="with every other factor on")
        right.set_yticks(y)
        right.set_yticklabels([m[0] for m in marginal], fontsize=9)
        right.invert_yaxis()
        right.legend(fontsize=8, loc="lower right")
    else:
        right.text(0.5, 0.5, "this device has no non-ideality", ha="center", va="center",
                   transform=right.transAxes)
    right.axvline(0, color="0.3", lw=0.8)
    right.set_xlabel("accuracy cost (percentage points)")
    right.grid(axis="x", alpha=0.3)
    right.set_title("what each factor costs", fontsize=10)
    fig.suptitle(title)
    return fig


def tolerance_curve(t, title: str) -> Figure:
    """Left: yield at the spec vs the varied parameter at every studied value, with the
    95 % Wilson band, the target and the bracket. Right: mean and p5 accuracy over chips,
    with the spec's threshold."""
    fig = Figure(figsize=(12.5, 5.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    x = t.values
    left.fill_between(x, t.wilson_low, t.wilson_high, color="tab:blue", alpha=0.18, lw=0,
                      label="95 % Wilson band")
    left.plot(x, t.fraction, "-", color="tab:blue", lw=1.2)
    meets = t.fraction >= t.target - 1e-12
    left.plot(x[meets], t.fraction[meets], "o", color="tab:green", label="meets the target")
    left.plot(x[~meets], t.fraction[~meets], "o", color="tab:red", label="below the target")
    for xi, yi, k in zip(x, t.fraction, t.order):
        left.annotate(str(int(k) + 1), (xi, yi), textcoords="offset points", xytext=(3, 4), fontsize=7,
                      color="0.35")
    left.axhline(t.target, color=SPEC_COLOR, ls="--", lw=1, label=f"target yield {t.target:g}")
    if t.verdict == "found":
        left.axvspan(t.bracket[0], t.bracket[1], color="gold", alpha=0.5,
                     label=f"bracket [{t.bracket[0]:.4g}, {t.bracket[1]:.4g}]")
        left.axvline(t.bracket[0], color="goldenrod", lw=1.5)
    left.set_xlabel(f"{t.parameter} (numbers: study order)")
    left.set_ylabel(f"yield at spec {t.spec} (accuracy ≥ {t.threshold:.4f})")
    left.set_ylim(-0.03, 1.05)
    left.grid(alpha=0.3)
    left.legend(fontsize=8, loc="best")
    left.set_title(f"verdict: {t.verdict}", fontsize=10)
    right.plot(x, t.mean, "o-", color="tab:purple", label="mean chip")
    right.plot(x, t.p5, "s--", color="tab:brown", label="p5 of chips")
    right.axhline(t.threshold, color=SPEC_COLOR, ls="--", lw=1, label=f"spec {t.spec}")
    right.set_xlabel(t.parameter)
    right.set_ylabel("accuracy (fraction of images correct)")
    right.grid(alpha=0.3)
    right.legend(fontsize=8, loc="best")
    right.set_title("accuracy over the same chips", fontsize=10)
    fig.suptitle(title)
    return fig

"""Load an xbarmc results file (HDF5, DESIGN §3) into plain numpy structures.

Strict about the documented names: a missing required dataset, or one of the
wrong shape, raises ResultsError with one line naming the file and the object.
Tolerant of the optional pieces (yield specs, summary, /reference, /mapping,
no_spike/saturated, the sweep's test evaluations): absent means None or empty.
Budget and tolerance files (DESIGN §2.9) are read by analyses.py.
Networks (DESIGN §2.7) add per-layer records (/mapping/layers/<l>, /reference/layers/<l>)
and per-layer counts in each study group (layer_saturated, layer_spikes,
layer_spike_rate, attribute timesteps); one-layer files have neither and read as before.
A network sweep's test groups hold their own records (<group>/mapping/layers/<l>,
<group>/reference/layers/<l>): best and recommendation may be different networks.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Dict, List, Optional

import h5py
import numpy as np

STUDIES = ("mc", "drift", "sweep", "budget", "tolerance")
ROOT_ATTRIBUTES = ("version", "git_describe", "command_line", "config_toml", "seed",
                   "backend", "device_name", "created_utc", "study")
SUMMARY_NAMES = ("mean", "std", "min", "max", "p1", "p5", "p10", "p50")
LAYER_DATASETS = ("layer_saturated", "layer_spikes", "layer_spike_rate")
LAYER_ATTRIBUTES = ("n_in", "n_out", "shared_max", "array_rows", "array_cols", "arrays", "adcs")
LAYER_REFERENCES = ("i_fs_a", "rho", "threshold_ratio", "threshold")
BIAS_MODES = ("none", "digital", "row")
SWEEP_COLUMNS = ("method", "scheme", "adc_bits", "weight_bits", "timesteps", "reset",
                 "threshold_ratio", "cost", "val_nominal", "val_mc_mean", "val_mc_p5",
                 "val_yield", "objective")


class ResultsError(Exception):
    """A results file that does not follow the documented layout (exit status 2)."""


@dataclasses.dataclass
class YieldSpecs:
    spec: List[str]              # as given by the user, e.g. "0.75", "float-1pp"
    threshold: np.ndarray        # [n_specs] absolute accuracy
    fraction: np.ndarray         # [n_times, n_specs] fraction of chips with accuracy >= threshold
    wilson_low: np.ndarray       # [n_times, n_specs] 95 % Wilson interval
    wilson_high: np.ndarray


@dataclasses.dataclass
class StudyGroup:
    path: str                    # inside the file, e.g. "/drift/compensated"
    times: np.ndarray            # [n_times] seconds after programming
    chip_index: np.ndarray       # [n_chips]
    correct: np.ndarray          # [n_times, n_chips]
    accuracy: np.ndarray         # [n_times, n_chips]
    n_images: Optional[int]
    split: Optional[str]
    summary: Dict[str, np.ndarray]   # name -> [n_times], as stored (may be empty)
    yields: Optional[YieldSpecs]
    no_spike: Optional[np.ndarray]
    saturated: Optional[np.ndarray]
    attrs: Dict[str, Any]        # every attribute of the group, decoded
    # Networks only (None in one-layer files): [n_layers, n_times, n_chips] per chip and time,
    # summed over the chip's images and steps; the rate is spikes / (n_images · T · n_out).
    timesteps: Optional[int] = None
    layer_saturated: Optional[np.ndarray] = None   # ADC reads whose code was clamped
    layer_spikes: Optional[np.ndarray] = None      # neuron spikes
    layer_spike_rate: Optional[np.ndarray] = None
    # The network these counts belong to (the file's /mapping/layers, or a sweep test
    # group's own); empty when unknown or a one-layer file.
    layers: List["LayerRecord"] = dataclasses.field(default_factory=list)

    @property
    def n_times(self) -> int:
        return int(self.times.shape[0])

    @property
    def n_layers(self) -> int:
        """Layers with per-layer counts; 0 for a one-layer file."""
        return 0 if self.layer_spikes is None else int(self.layer_spikes.shape[0])

    @property
    def n_chips(self) -> int:
        return int(self.chip_index.shape[0])


@dataclasses.dataclass
class LayerRecord:
    """One layer of a network: /mapping/layers/<l> and /reference/layers/<l> (DESIGN §2.7)."""
    index: int
    n_in: int
    n_out: int
    bias_mode: str               # "none" | "digital" | "row"
    shared_max: float
    array_rows: int              # resolved physical array size R_a × C_a
    array_cols: int
    arrays: int                  # physical arrays the layer occupies
    adcs: int                    # ADC conversions per step of one image
    g_target: np.ndarray         # [(n_in + 1 if bias_mode == "row" else n_in), 2·n_out] S
    bias: Optional[np.ndarray]   # [n_out] digital bias, when stored
    i_fs_a: float                # ADC full scale (A)
    rho: float                   # robust normalisation ρ_l (codes)
    threshold_ratio: float       # r_l
    threshold: float             # θ_l = r_l·ρ_l (codes)


@dataclasses.dataclass
class SweepResults:
    table: Dict[str, np.ndarray]     # column name -> [n_rows]; strings decoded to str
    best_index: int
    recommendation_index: int
    objective_name: Optional[str]
    tolerance: Optional[float]
    test: Dict[str, StudyGroup]      # "best" / "recommendation" when present

    @property
    def n_rows(self) -> int:
        return int(len(self.table["objective"]))


@dataclasses.dataclass
class Results:
    path: str
    study: str                        # "mc" | "drift" | "sweep" | "budget" | "tolerance"
    root: Dict[str, Any]              # root attributes, decoded
    groups: Dict[str, StudyGroup]     # label -> study group, in display order
    reference: Dict[str, float]       # /reference scalars
    mapping_shapes: Dict[str, tuple]  # /mapping dataset -> shape
    sweep: Optional[SweepResults]
    layers: List[LayerRecord] = dataclasses.field(default_factory=list)  # empty: one-layer file
    budget: Any = None                # analyses.BudgetResults of a budget file
    tolerance: Any = None             # analyses.ToleranceResults of a tolerance file


def decode(value: Any) -> Any:
    """HDF5 attribute or element -> plain Python (bytes -> str, numpy scalar -> number)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SO":
            return [decode(v) for v in value.tolist()]
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value


class _Reader:
    """Checked access to one open file; every error names the file and the object."""

    def __init__(self, path: str, handle: h5py.File):
        self.path = path
        self.file = handle

    def fail(self, message: str) -> ResultsError:
        return ResultsError(f"{self.path}: {message}")

    @staticmethod
    def show(name: str) -> str:
        return "/" + name.lstrip("/")

    def has(self, name: str) -> bool:
        return name in self.file

    def group(self, name: str) -> h5py.Group:
        if name not in self.file:
            raise self.fail(f"missing group '{self.show(name)}'")
        obj = self.file[name]
        if not isinstance(obj, h5py.Group):
            raise self.fail(f"'{self.show(name)}' is not a group")
        return obj

    def dataset(self, name: str, ndim: Optional[int] = None, kind: Optional[str] = None,
                shape: Optional[tuple] = None) -> np.ndarray:
        if name not in self.file:
            raise self.fail(f"missing dataset '{self.show(name)}'")
        obj = self.file[name]
        if not isinstance(obj, h5py.Dataset):
            raise self.fail(f"'{self.show(name)}' is not a dataset")
        if kind is not None and obj.dtype.kind not in kind:
            raise self.fail(f"dataset '{self.show(name)}' has type {obj.dtype}, expected a numeric type")
        data = obj[()]
        if ndim is not None and np.ndim(data) != ndim:
            raise self.fail(f"dataset '{self.show(name)}' has shape {np.shape(data)}, expected {ndim} dimension(s)")
        if shape is not None and tuple(np.shape(data)) != tuple(shape):
            raise self.fail(f"dataset '{self.show(name)}' has shape {np.shape(data)}, expected {tuple(shape)}")
        return data

    def strings(self, name: str, shape: tuple) -> List[str]:
        if name not in self.file:
            raise self.fail(f"missing dataset '{self.show(name)}'")
        obj = self.file[name]
        if not isinstance(obj, h5py.Dataset) or obj.dtype.kind not in "SOU":
            raise self.fail(f"dataset '{self.show(name)}' is not a string dataset")
        data = obj[()]
        if tuple(np.shape(data)) != tuple(shape):
            raise self.fail(f"dataset '{self.show(name)}' has shape {np.shape(data)}, expected {tuple(shape)}")
        return [decode(v) for v in np.atleast_1d(data).tolist()]

    def attribute(self, obj: h5py.HLObject, name: str, required: bool) -> Any:
        if name not in obj.attrs:
            if required:
                raise self.fail(f"missing attribute '{name}' on '{obj.name}'")
            return None
        return decode(obj.attrs[name])


def _study_group(r: _Reader, name: str, n_layers: Optional[int] = None) -> StudyGroup:
    g = r.group(name)
    times = r.dataset(f"{name}/times", ndim=1, kind="fiu").astype(float)
    chips = r.dataset(f"{name}/chip_index", ndim=1, kind="iu")
    grid = (times.shape[0], chips.shape[0])
    correct = r.dataset(f"{name}/correct", kind="iu", shape=grid)
    accuracy = r.dataset(f"{name}/accuracy", kind="f", shape=grid).astype(float)

    def optional_grid(leaf: str) -> Optional[np.ndarray]:
        full = f"{name}/{leaf}"
        return r.dataset(full, kind="iu", shape=grid) if r.has(full) else None

    summary = {}
    for s in SUMMARY_NAMES:
        full = f"{name}/summary/{s}"
        if r.has(full):
            summary[s] = r.dataset(full, kind="f", shape=(grid[0],)).astype(float)

    yields = None
    # The tool writes yield/spec and yield/threshold even for no specs: [0] means none.
    if r.has(f"{name}/yield") and r.dataset(f"{name}/yield/threshold", ndim=1, kind="f").shape[0] > 0:
        y = f"{name}/yield"
        threshold = r.dataset(f"{y}/threshold", ndim=1, kind="f").astype(float)
        n_specs = threshold.shape[0]
        per_time = (grid[0], n_specs)
        yields = YieldSpecs(
            spec=r.strings(f"{y}/spec", (n_specs,)),
            threshold=threshold,
            fraction=r.dataset(f"{y}/fraction", kind="f", shape=per_time).astype(float),
            wilson_low=r.dataset(f"{y}/wilson_low", kind="f", shape=per_time).astype(float),
            wilson_high=r.dataset(f"{y}/wilson_high", kind="f", shape=per_time).astype(float))

    attrs = {k: decode(v) for k, v in g.attrs.items()}
    n_images = attrs.get("n_images")
    group = StudyGroup(path=g.name, times=times, chip_index=chips, correct=correct,
                       accuracy=accuracy,
                       n_images=int(n_images) if n_images is not None else None,
                       split=str(attrs["split"]) if "split" in attrs else None,
                       summary=summary, yields=yields, no_spike=optional_grid("no_spike"),
                       saturated=optional_grid("saturated"), attrs=attrs)
    _layer_counts(r, name, g, group, n_layers)
    return group


def _layer_counts(r: _Reader, name: str, g: h5py.Group, group: StudyGroup,
                  n_layers: Optional[int]) -> None:
    """The per-layer counts of a network's study group: all three datasets, each
    [n_layers × n_times × n_chips], and a positive `timesteps`. Required when the file has
    per-layer records (n_layers given); without them (a sweep's test groups) they are read
    when present, n_layers taken from layer_spikes."""
    if n_layers is None:
        if not any(r.has(f"{name}/{leaf}") for leaf in LAYER_DATASETS):
            return
        n_layers = r.dataset(f"{name}/layer_spikes", ndim=3, kind="iu").shape[0]
        if n_layers < 1:
            raise r.fail(f"dataset '{r.show(name)}/layer_spikes' has no layers")
    shape = (n_layers, group.n_times, group.n_chips)
    data = {leaf: r.dataset(f"{name}/{leaf}", kind="f" if leaf == "layer_spike_rate" else "iu", shape=shape)
            for leaf in LAYER_DATASETS}
    timesteps = r.attribute(g, "timesteps", required=True)
    if not isinstance(timesteps, int) or isinstance(timesteps, bool) or timesteps < 1:
        raise r.fail(f"attribute 'timesteps' on '{g.name}' is {timesteps!r}, expected a positive integer")
    if group.n_images is None or group.n_images < 1:
        raise r.fail(f"attribute 'n_images' on '{g.name}' is missing or not positive (per-layer rates need it)")
    group.timesteps = timesteps
    group.layer_saturated = data["layer_saturated"]
    group.layer_spikes = data["layer_spikes"]
    group.layer_spike_rate = data["layer_spike_rate"].astype(float)


def _layers(r: _Reader, prefix: str = "") -> List[LayerRecord]:
    """<prefix>mapping/layers/0 … n−1 with <prefix>reference/layers/<l> each (prefix "" for
    the file's network, "sweep/test/best/" for a sweep test group's); empty when absent."""
    if not r.has(f"{prefix}mapping/layers"):
        return []
    names = list(r.group(f"{prefix}mapping/layers").keys())
    if sorted(names) != sorted(str(l) for l in range(len(names))) or not names:
        raise r.fail(f"group '/{prefix}mapping/layers' holds {sorted(names)}, expected layers 0 … n−1")
    out = []
    for l in range(len(names)):
        mp, rp = f"{prefix}mapping/layers/{l}", f"{prefix}reference/layers/{l}"
        m = r.group(mp)
        attrs = {}
        for key in LAYER_ATTRIBUTES:
            value = r.attribute(m, key, required=True)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise r.fail(f"attribute '{key}' on '{m.name}' is {value!r}, expected a number")
            attrs[key] = value
        for key in ("n_in", "n_out", "array_rows", "array_cols", "arrays", "adcs"):
            if not float(attrs[key]).is_integer() or attrs[key] < 1:
                raise r.fail(f"attribute '{key}' on '{m.name}' is {attrs[key]!r}, expected a positive integer")
            attrs[key] = int(attrs[key])
        if out and attrs["n_in"] != out[-1].n_out:
            raise r.fail(f"attribute 'n_in' on '{m.name}' is {attrs['n_in']}, but layer {l - 1} has "
                         f"n_out {out[-1].n_out}")
        bias_mode = r.attribute(m, "bias_mode", required=True)
        if bias_mode not in BIAS_MODES:
            raise r.fail(f"attribute 'bias_mode' on '{m.name}' is {bias_mode!r}, expected one of "
                         f"{', '.join(BIAS_MODES)}")
        rows = attrs["n_in"] + (1 if bias_mode == "row" else 0)
        g_target = r.dataset(f"{mp}/g_target", kind="f", shape=(rows, 2 * attrs["n_out"])).astype(float)
        bias = (r.dataset(f"{mp}/bias", kind="fiu", shape=(attrs["n_out"],)).astype(float)
                if r.has(f"{mp}/bias") else None)
        r.group(rp)
        ref = {key: float(r.dataset(f"{rp}/{key}", kind="fiu", shape=())) for key in LAYER_REFERENCES}
        out.append(LayerRecord(index=l, bias_mode=bias_mode, shared_max=float(attrs["shared_max"]),
                               g_target=g_target, bias=bias,
                               **{k: attrs[k] for k in ("n_in", "n_out", "array_rows", "array_cols",
                                                        "arrays", "adcs")}, **ref))
    return out


def _reference(r: _Reader) -> Dict[str, float]:
    if not r.has("reference"):
        return {}
    out = {}
    for key, obj in r.group("reference").items():
        if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fiu" and obj.size == 1:
            out[key] = float(np.asarray(obj[()]).reshape(()))
    return out


def _mapping_shapes(r: _Reader) -> Dict[str, tuple]:
    if not r.has("mapping"):
        return {}
    return {k: tuple(v.shape) for k, v in r.group("mapping").items() if isinstance(v, h5py.Dataset)}


def _sweep(r: _Reader, n_layers: Optional[int]) -> SweepResults:
    sweep = r.group("sweep")
    if "sweep/table" not in r.file or not isinstance(r.file["sweep/table"], h5py.Dataset):
        raise r.fail("missing dataset '/sweep/table'")
    table_ds = r.file["sweep/table"]
    if table_ds.dtype.names is None or table_ds.ndim != 1:
        raise r.fail("dataset '/sweep/table' is not a one-dimensional compound table")
    missing = [c for c in SWEEP_COLUMNS if c not in table_ds.dtype.names]
    if missing:
        raise r.fail(f"dataset '/sweep/table' lacks field(s) {', '.join(missing)}")
    rows = table_ds[()]
    table = {}
    for column in table_ds.dtype.names:
        values = rows[column]
        if values.dtype.kind in "SO":
            table[column] = np.array([decode(v) for v in values.tolist()], dtype=object)
        else:
            table[column] = np.asarray(values)
    n_rows = len(rows)
    indices = {}
    for name in ("best_index", "recommendation_index"):
        value = r.attribute(sweep, name, required=True)
        if not isinstance(value, int) or not 0 <= value < n_rows:
            raise r.fail(f"attribute '{name}' on '/sweep' is {value!r}, not a row of the {n_rows}-row table")
        indices[name] = value
    tolerance = r.attribute(sweep, "tolerance", required=False)
    objective = r.attribute(sweep, "objective_name", required=False)
    test = {}
    for which in ("best", "recommendation"):
        name = f"sweep/test/{which}"
        if r.has(name):
            layers = _layers(r, f"{name}/")
            test[which] = _study_group(r, name, len(layers) or n_layers)
            test[which].layers = layers
    return SweepResults(table=table, best_index=indices["best_index"],
                        recommendation_index=indices["recommendation_index"],
                        objective_name=str(objective) if objective is not None else None,
                        tolerance=float(tolerance) if tolerance is not None else None, test=test)


def load(path: str) -> Results:
    """Read the results file at `path`; raises ResultsError on any layout problem."""
    if not os.path.isfile(path):
        raise ResultsError(f"{path}: no such file")
    try:
        handle = h5py.File(path, "r")
    except (OSError, ValueError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ResultsError(f"{path}: cannot open as an HDF5 file ({reason})") from None
    with handle:
        r = _Reader(path, handle)
        root = {k: decode(v) for k, v in handle.attrs.items()}
        study = r.attribute(handle, "study", required=True)
        if study not in STUDIES:
            raise r.fail(f"root attribute 'study' is {study!r}, expected one of {', '.join(STUDIES)}")
        if study in ("budget", "tolerance"):  # DESIGN §2.9: no study groups, their own layout
            from . import analyses
            return Results(path=path, study=study, root=root, groups={}, reference=_reference(r),
                           mapping_shapes={}, sweep=None,
                           budget=analyses.read_budget(r) if study == "budget" else None,
                           tolerance=analyses.read_tolerance(r) if study == "tolerance" else None)
        layers = _layers(r)
        n_layers = len(layers) or None  # per-layer counts are required when there are records
        groups: Dict[str, StudyGroup] = {}
        sweep = None
        if study == "mc":
            groups["mc"] = _study_group(r, "mc", n_layers)
        elif study == "drift":
            groups["uncompensated"] = _study_group(r, "drift/uncompensated", n_layers)
            if r.has("drift/compensated"):
                groups["compensated"] = _study_group(r, "drift/compensated", n_layers)
                a, b = groups["uncompensated"], groups["compensated"]
                if not (np.array_equal(a.times, b.times) and np.array_equal(a.chip_index, b.chip_index)):
                    raise r.fail("'/drift/compensated' and '/drift/uncompensated' differ in times or chips")
        else:
            sweep = _sweep(r, n_layers)
            for which, group in sweep.test.items():
                groups[f"test/{which}"] = group
        if study != "sweep":
            for group in groups.values():
                group.layers = layers
        return Results(path=path, study=study, root=root, groups=groups, reference=_reference(r),
                       mapping_shapes=_mapping_shapes(r), sweep=sweep, layers=layers)

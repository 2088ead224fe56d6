"""Load an xbarmc results file (HDF5, DESIGN §3) into plain numpy structures.

Strict about the documented names: a missing required dataset, or one of the
wrong shape, raises ResultsError with one line naming the file and the object.
Tolerant of the optional pieces (yield specs, summary, /reference, /mapping,
no_spike/saturated, the sweep's test evaluations): absent means None or empty.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Dict, List, Optional

import h5py
import numpy as np

STUDIES = ("mc", "drift", "sweep")
ROOT_ATTRIBUTES = ("version", "git_describe", "command_line", "config_toml", "seed",
                   "backend", "device_name", "created_utc", "study")
SUMMARY_NAMES = ("mean", "std", "min", "max", "p1", "p5", "p10", "p50")
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

    @property
    def n_times(self) -> int:
        return int(self.times.shape[0])

    @property
    def n_chips(self) -> int:
        return int(self.chip_index.shape[0])


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
    study: str                        # "mc" | "drift" | "sweep"
    root: Dict[str, Any]              # root attributes, decoded
    groups: Dict[str, StudyGroup]     # label -> study group, in display order
    reference: Dict[str, float]       # /reference scalars
    mapping_shapes: Dict[str, tuple]  # /mapping dataset -> shape
    sweep: Optional[SweepResults]


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


def _study_group(r: _Reader, name: str) -> StudyGroup:
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
    return StudyGroup(path=g.name, times=times, chip_index=chips, correct=correct,
                      accuracy=accuracy,
                      n_images=int(n_images) if n_images is not None else None,
                      split=str(attrs["split"]) if "split" in attrs else None,
                      summary=summary, yields=yields, no_spike=optional_grid("no_spike"),
                      saturated=optional_grid("saturated"), attrs=attrs)


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


def _sweep(r: _Reader) -> SweepResults:
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
            test[which] = _study_group(r, name)
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
        groups: Dict[str, StudyGroup] = {}
        sweep = None
        if study == "mc":
            groups["mc"] = _study_group(r, "mc")
        elif study == "drift":
            groups["uncompensated"] = _study_group(r, "drift/uncompensated")
            if r.has("drift/compensated"):
                groups["compensated"] = _study_group(r, "drift/compensated")
                a, b = groups["uncompensated"], groups["compensated"]
                if not (np.array_equal(a.times, b.times) and np.array_equal(a.chip_index, b.chip_index)):
                    raise r.fail("'/drift/compensated' and '/drift/uncompensated' differ in times or chips")
        else:
            sweep = _sweep(r)
            for which, group in sweep.test.items():
                groups[f"test/{which}"] = group
        return Results(path=path, study=study, root=root, groups=groups, reference=_reference(r),
                       mapping_shapes=_mapping_shapes(r), sweep=sweep)

"""Yield statistics of a chip population, the same formulas as host/study/statistics.

yield(a) = fraction of chips whose accuracy is >= a; its 95 % Wilson score
interval (Wilson 1927): centre (p + z²/2n)/(1 + z²/n), half-width
z/(1 + z²/n)·sqrt(p(1-p)/n + z²/4n²), z = Φ⁻¹(0.975).
"""

from __future__ import annotations

from typing import Tuple

import numpy as np

Z95 = 1.959963984540054


def wilson_interval(successes, trials, z: float = Z95) -> Tuple[np.ndarray, np.ndarray]:
    """95 % Wilson interval of successes/trials (arrays broadcast); [0, 1] for no trials."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2.0 * n)) / denom
        half = z / denom * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    low = np.where(n > 0, centre - half, 0.0)
    high = np.where(n > 0, centre + half, 1.0)
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)


def yield_at(accuracy: np.ndarray, threshold: float) -> float:
    """Fraction of chips (1-D accuracies) with accuracy >= threshold."""
    return float(np.count_nonzero(accuracy >= threshold)) / accuracy.size


def yield_curve(accuracy: np.ndarray):
    """Yield as a step function of the spec: (thresholds, yield, wilson_low, wilson_high).

    thresholds are the distinct accuracies ascending; yield[i] holds for every spec in
    (thresholds[i-1], thresholds[i]], i.e. a spec just at a chip's accuracy still passes it.
    """
    values = np.sort(np.asarray(accuracy, dtype=float))
    thresholds, first = np.unique(values, return_index=True)
    n = values.size
    passing = n - first
    low, high = wilson_interval(passing, n)
    return thresholds, passing / n, low, high


def percentiles(accuracy: np.ndarray, qs) -> np.ndarray:
    """Percentiles along the chip axis of [n_times, n_chips], numpy's linear method -> [len(qs), n_times]."""
    return np.percentile(accuracy, qs, axis=1)

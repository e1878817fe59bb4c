"""The one outcome type every estimator takes: right-censored times with event flags.

Like R's ``Surv`` object, the data is validated once, here, so that estimators can trust it.
An optional ``group`` labels each row (for two-arm trials, log-rank, Cox) and an optional
``cause`` distinguishes competing events (0 = censored, 1, 2, ... = event type).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..errors import InputError

__all__ = ["SurvivalData"]


def _as_float_array(name: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(name, "number", f"every value must be a number ({exc})") from None
    if arr.ndim != 1:
        raise InputError(name, "shape", f"must be one-dimensional, got shape {arr.shape}")
    return arr


@dataclass(frozen=True)
class SurvivalData:
    """Right-censored survival data.

    Attributes
    ----------
    time : float array, >= 0 and finite
    event : int array; 0 = censored, 1 = event (or 1, 2, ... = cause of a competing event)
    group : optional array of group labels (any hashable, stored as given)

    Examples
    --------
    >>> d = SurvivalData.from_arrays([5, 3, 8], [1, 0, 1])
    >>> d.n, d.n_events
    (3, 2)
    """

    time: np.ndarray
    event: np.ndarray
    group: np.ndarray | None = None

    @classmethod
    def from_arrays(
        cls,
        time: Sequence[float] | np.ndarray,
        event: Sequence[int] | np.ndarray,
        group: Sequence[object] | np.ndarray | None = None,
    ) -> "SurvivalData":
        t = _as_float_array("time", time)
        e_raw = _as_float_array("event", event)
        if t.size == 0:
            raise InputError("time", "required", "at least one observation is required")
        if e_raw.shape != t.shape:
            raise InputError(
                "event", "length", f"must have the same length as time ({e_raw.size} vs {t.size})"
            )
        if not np.all(np.isfinite(t)):
            raise InputError("time", "finite", "every value must be finite (no NaN or infinity)")
        if np.any(t < 0):
            raise InputError("time", "range", "every value must be >= 0")
        if not np.all(np.isfinite(e_raw)) or np.any(e_raw != np.round(e_raw)) or np.any(e_raw < 0):
            raise InputError(
                "event",
                "event-code",
                "every value must be a whole number >= 0 (0 = censored, 1.. = event type)",
            )
        e = e_raw.astype(np.int64)
        g = None
        if group is not None:
            g = np.asarray(group, dtype=object)
            if g.shape != t.shape:
                raise InputError(
                    "group", "length", f"must have the same length as time ({g.size} vs {t.size})"
                )
            if any(v is None or (isinstance(v, float) and np.isnan(v)) for v in g):
                raise InputError("group", "required", "missing group labels are not allowed")
        t.setflags(write=False)
        e.setflags(write=False)
        if g is not None:
            g.setflags(write=False)
        return cls(time=t, event=e, group=g)

    @property
    def n(self) -> int:
        return int(self.time.size)

    @property
    def n_events(self) -> int:
        """Number of observations with any event (all causes)."""
        return int(np.count_nonzero(self.event))

    @property
    def has_competing_events(self) -> bool:
        return bool(np.any(self.event > 1))

    def groups(self) -> list[object]:
        """Group labels in sorted order (the order used for 'second group vs first')."""
        if self.group is None:
            raise InputError("group", "required", "this data set has no group column")
        return sorted(set(self.group.tolist()), key=lambda v: (str(type(v)), v))

    def subset(self, label: object) -> "SurvivalData":
        """The rows of one group, without the group column."""
        if self.group is None:
            raise InputError("group", "required", "this data set has no group column")
        mask = self.group == label
        if not np.any(mask):
            raise InputError("group", "unknown", f"no rows with label {label!r}")
        return SurvivalData.from_arrays(self.time[mask], self.event[mask])

    def any_event(self) -> "SurvivalData":
        """All causes collapsed into one event type (for overall survival/Kaplan-Meier)."""
        return SurvivalData.from_arrays(self.time, (self.event > 0).astype(int), self.group)

"""The public personal estimate: the model's numbers (``model``) with each option's calibration
against its own trial (``calibration``) attached, and the numbers of an option whose own trial the
model misses replaced by that trial's results (``trial_only``). A module of its own so that the
calibration, which runs the model, and the model do not import each other."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..evidence import Corpus
from .calibration import attach_calibration
from .model import DEFAULT_DRAWS, DEFAULT_SEED, run_model
from .prepared import default_corpus
from .profile import PatientProfile
from .result import EstimateResult
from .trial_only import show_trial_results_only

__all__ = ["estimate"]


def estimate(
    profile: PatientProfile | dict[str, Any] | None = None,
    options: Iterable[str] | None = None,
    horizons: Iterable[float] | None = None,
    *,
    corpus: Corpus | None = None,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> EstimateResult:
    """Benefit and harm of each maintenance option for a patient profile.

    Parameters
    ----------
    profile : a :class:`PatientProfile` or a dict of its fields (all optional); ProfileError names
        any impossible field.
    options : option ids (default: every option the evidence reaches); observation is always
        included as the reference.
    horizons : years (default 1, 2, 3, 5, 7), whole months, each > 0 and at most 15.
    n_draws, seed : Monte Carlo draws (200 to 100,000) and their seed.

    Examples
    --------
    >>> r = estimate({}, options=["lenalidomide"], horizons=[3])
    >>> [o.option for o in r.options]
    ['observation', 'lenalidomide']
    >>> round(r.options[0].median_pfs_months.estimate, 1)
    23.5
    """
    corpus = corpus if corpus is not None else default_corpus()
    result = run_model(profile, options, horizons, corpus=corpus, n_draws=n_draws, seed=seed)
    # an option whose own trial the model misses shows that trial's results only (trial_only.py)
    return show_trial_results_only(attach_calibration(result, corpus))

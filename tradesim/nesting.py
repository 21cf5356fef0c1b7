"""Nested runs: an outer sample of parameter sets, inner replications of each.

A scenario's uncertain parameters (distributions, and a joint
``parameter_sample``) make an outcome's probability uncertain in two ways:
chance, which more replications average away, and the parameters, which they
do not.  A nested run separates the two.  It draws ``S`` parameter sets by
Latin hypercube sampling (McKay, Beckman & Conover 1979, *Technometrics* 21)
over the distributions' quantile functions, and gives replication ``i`` the
values of set ``i % S``.  The sets come from their own stream of the master
seed, so every chunk can look up its replications' values and a result never
depends on the chunking, the number of workers or the executor.

Per-set probabilities give, for every outcome and milestone, the spread across
parameter sets and the share of the variance due to the parameters (see
:func:`decompose`).

Weekly draws are not shared across sets (no common random numbers):
replication ``i`` draws from the ``i``-th stream of the master seed, as in an
unnested run.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .scenario import Scenario

__all__ = [
    "DESIGN_KEY",
    "INNER_DEFAULT",
    "MAX_DEFAULT_SETS",
    "SetStatistics",
    "decompose",
    "default_parameter_sets",
    "design",
    "is_uncertain",
    "overrides_for",
    "resolve_parameter_sets",
]

#: Replications per parameter set by default: the per-set probability is then
#: known to within a binomial standard deviation of at most 0.05.
INNER_DEFAULT = 100
#: Most parameter sets chosen by default (more may be asked for).
MAX_DEFAULT_SETS = 1000
#: Words appended to the master seed's spawn key for the stream of the design.
#: Sweep points append one word to the master seed's spawn key (replications are
#: indexed inside the counter-based streams, not by spawn keys): three words cannot
#: coincide with a point's key.
DESIGN_KEY = (0x6E657374, 0x73657473, 0)


def is_uncertain(scenario: Scenario) -> bool:
    """Whether the scenario has uncertain parameters (distributions or a joint sample)."""
    return bool(scenario.uncertain_parameters()) or scenario.parameter_sample is not None


def default_parameter_sets(runs: int) -> int:
    """Parameter sets of a nested run of ``runs`` replications by default.

    ``runs // 100`` sets of about 100 replications each, at most 1,000 sets;
    0 (not nested: each replication draws its own parameters) for fewer than
    200 replications, which cannot make two sets of 100.
    """
    sets = min(MAX_DEFAULT_SETS, runs // INNER_DEFAULT)
    return sets if sets >= 2 else 0


def resolve_parameter_sets(scenario: Scenario, runs: int, parameter_sets: int | None) -> int:
    """The number of parameter sets a run uses: 0 when it is not nested.

    Parameters
    ----------
    scenario : Scenario
    runs : int
        Replications in the run.
    parameter_sets : int or None
        ``None`` for the default (:func:`default_parameter_sets`), 0 for no
        nesting, else 2 to ``runs // 2`` (each set needs two replications to
        tell chance from parameters).

    Raises
    ------
    ValueError
        For a number of sets outside that range.
    """
    if not is_uncertain(scenario):
        return 0
    if parameter_sets is None:
        return default_parameter_sets(runs)
    if (isinstance(parameter_sets, bool) or not isinstance(parameter_sets, int | np.integer)
            or not (parameter_sets == 0 or 2 <= parameter_sets <= runs // 2)):
        raise ValueError(
            f"parameter_sets must be 0 (not nested) or an integer from 2 to runs // 2 = "
            f"{runs // 2:,} (two or more replications per set), got {parameter_sets!r}")
    return int(parameter_sets)


def design(scenario: Scenario, master: np.random.SeedSequence, sets: int
           ) -> dict[str, np.ndarray]:
    """The parameter values of each set: a Latin hypercube over the distributions.

    Column ``c`` of the unit hypercube is ``(perm_c + u_c) / sets`` for a random
    permutation ``perm_c`` of ``0..sets-1`` and uniforms ``u_c``; distributions
    map it through their quantile function (``Distribution.ppf``), and a
    joint ``parameter_sample`` takes the row one more column picks, exactly as
    :func:`tradesim.model.sample_parameters` does for a single replication.

    Parameters
    ----------
    scenario : Scenario
    master : SeedSequence
        The run's master seed; the design draws from its child with spawn key
        ``(*master.spawn_key, *DESIGN_KEY)``.
    sets : int
        Number of parameter sets (at least 1).

    Returns
    -------
    dict
        Parameter path -> values of shape ``(sets,)``, for every uncertain path
        and every path of the joint sample.
    """
    from .model import sample_parameters

    uncertain = scenario.uncertain_parameters()
    has_sample = scenario.parameter_sample is not None
    columns = len(uncertain) + has_sample
    child = np.random.SeedSequence(master.entropy, spawn_key=(*master.spawn_key, *DESIGN_KEY),
                                   pool_size=master.pool_size)
    rng = np.random.Generator(np.random.SFC64(child))
    cube = np.empty((sets, columns))
    for c in range(columns):
        cube[:, c] = (rng.permutation(sets) + rng.random(sets)) / sets
    values = sample_parameters(scenario, cube[:, :len(uncertain)],
                               cube[:, -1] if has_sample else None)
    paths = [*uncertain, *(scenario.parameter_sample.paths if has_sample else ())]
    return {path: np.asarray(values[path], dtype=float) for path in paths}


def overrides_for(values: dict[str, np.ndarray], sets: int, start: int, stop: int,
                  overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The parameter overrides of replications ``start..stop-1`` of a nested run.

    Replication ``i`` takes set ``i % sets``; the caller's ``overrides`` win
    over the set's values (a sweep fixing an uncertain parameter).
    """
    index = np.arange(start, stop) % sets
    return {**{path: v[index] for path, v in values.items()}, **(overrides or {})}


@dataclasses.dataclass(frozen=True)
class SetStatistics:
    """One indicator's probability with both kinds of uncertainty.

    Attributes
    ----------
    probability : float
        Pooled share of replications (all sets together).
    ci95_low, ci95_high : float
        95% Monte Carlo interval of ``probability`` (Wilson, with the
        effective number of replications of a nested run; see :func:`decompose`).
    set_q05, set_q95 : float
        5th and 95th percentiles of the per-set probability across parameter
        sets; NaN for a run that is not nested but has uncertain parameters.
    share_parameters, share_chance : float
        Shares of the indicator's variance due to the parameters and to chance
        (sum 1; NaN where undefined).
    """

    probability: float
    ci95_low: float
    ci95_high: float
    set_q05: float
    set_q95: float
    share_parameters: float
    share_chance: float


def decompose(indicator: np.ndarray, sets: int, uncertain: bool) -> SetStatistics:
    """Pooled probability, Monte Carlo interval, spread across sets and variance shares.

    Parameters
    ----------
    indicator : ndarray of bool, shape (N,)
        Whether each replication has the outcome (replication ``i`` in set
        ``i % sets``).
    sets : int
        Parameter sets of the run; 0 when it is not nested.
    uncertain : bool
        Whether the scenario has uncertain parameters at all.

    Returns
    -------
    SetStatistics

    Notes
    -----
    With per-set sizes ``n_s``, shares ``p_s`` and the pooled share ``p``, the law
    of total variance splits the indicator's variance ``p (1 - p)`` into the
    variance of the per-set means (parameters) and the mean within-set variance
    (chance).  The observed spread of the ``p_s``,
    ``B = sum_s (n_s / N) (p_s - p)**2``, overstates the first by their binomial
    sampling error, estimated without bias by
    ``W = sum_s (n_s / N) p_s (1 - p_s) / (n_s - 1)``; the share due to the
    parameters is ``max(0, B - W) / (p (1 - p))``, clipped to [0, 1].

    Replications of one set share its parameters, so they are not independent
    draws of the pooled probability: its variance is estimated from the sets as
    clusters, ``v = S / (S - 1) * sum_s (n_s / N)**2 (p_s - p)**2``, and the
    Wilson interval uses ``min(N, p (1 - p) / v)`` replications.  When the
    parameters do not matter this is about ``N``: the interval of an unnested
    run.  The 5-95% range of the ``p_s`` includes their binomial error (a
    standard deviation of at most ``0.5 / sqrt(n_s)``).
    """
    from .results import wilson_interval

    y = np.asarray(indicator, dtype=bool)
    n = y.shape[0]
    k = int(y.sum())
    p = k / n if n else float("nan")
    total = p * (1 - p)
    if not sets:
        low, high = wilson_interval(k, n)
        spread = (p, p) if not uncertain else (float("nan"), float("nan"))
        shares = ((0.0, 1.0) if total > 0 else (float("nan"),) * 2) if not uncertain \
            else (float("nan"),) * 2
        return SetStatistics(p, float(low), float(high), *spread, *shares)
    group = np.arange(n) % sets
    sizes = np.bincount(group, minlength=sets).astype(float)
    per_set = np.bincount(group, weights=y, minlength=sets) / sizes
    weights = sizes / n
    between = float(np.sum(weights * (per_set - p) ** 2))
    noise = float(np.sum(weights * per_set * (1 - per_set) / (sizes - 1)))
    if total > 0:
        share = min(1.0, max(0.0, between - noise) / total)
        shares = (share, 1.0 - share)
        v = sets / (sets - 1) * float(np.sum(weights**2 * (per_set - p) ** 2))
        effective = min(float(n), total / v) if v > 0 else float(n)
    else:
        shares, effective = (float("nan"),) * 2, float(n)
    low, high = wilson_interval(p * effective, effective)
    q05, q95 = np.quantile(per_set, [0.05, 0.95])
    return SetStatistics(p, float(low), float(high), float(q05), float(q95), *shares)

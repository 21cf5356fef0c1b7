"""Compiled kernels of the model's inner loops: the one code path, compiled.

The Mesa agents (:mod:`tradesim.agents`) and the reduction
(:mod:`tradesim.reduction`) call these functions for their array work; there
is no other copy of the rules they carry out.  They are plain Python
functions over numpy arrays, compiled by numba (``njit``, no fast-math, so
every operation rounds as numpy's does; float32 state stays float32), with
the compiled code cached on disk next to the module or, where that is
read-only, in numba's per-user cache.

Setting the environment variable ``NUMBA_DISABLE_JIT=1`` before importing
tradesim runs the very same source as Python: slow, for debugging, and
bit-identical (tests/test_kernels.py checks it on a small ensemble).

Arrays of per-replication state have replications last, so each firm's row
is contiguous; loops run firm by firm, accumulating per-replication sums in
float64 in the order numpy's axis-0 sums use.

The compiler (LLVM, through numba 0.68) vectorises a loop over replications
only if the loop holds no call and no early exit.  So inside those loops the
kernels choose with selects, use :func:`_min` and :func:`_max` (numba's builtin
``min`` and ``max`` compile to calls) and helpers inlined with
``inline="always"``, and kernels that divide there use ``error_model="numpy"``
(Python's division check is an early exit).  None of this changes a result.
"""

from __future__ import annotations

import numpy as np

from .jit import njit  # numba.njit, falling back to no cache where none is writable

__all__ = ["choose_moves", "clear_markets", "draw_setup", "draw_streams", "draw_weeks",
           "ease_active", "ease_step", "eased_impact", "firm_demand", "firm_produce",
           "histogram_sums", "licence_pipeline", "monitor_reset", "monitor_update",
           "normal_quantile", "philox4x32", "ramp_pace", "settle_moves", "start_framework"]

_F32_ONE = np.float32(1.0)
_F32_ZERO = np.float32(0.0)
_F32_2_23 = np.float32(2.0**23)
# The action codes (tradesim.vocab), as constants the kernels compile in.
_RETALIATE, _HOLD, _EASE = np.int8(-1), np.int8(0), np.int8(1)


@njit(cache=True, nogil=True, inline="always")
def _rint(x: np.float32) -> np.float32:
    # Round a non-negative float32 to the nearest integer, ties to even, as np.rint does:
    # from 2**23 up every float32 is an integer; below it, adding and taking away 2**23
    # rounds in float32 arithmetic (IEEE round to nearest even).
    if x >= _F32_2_23:
        return x
    return (x + _F32_2_23) - _F32_2_23


@njit(cache=True, nogil=True, inline="always")
def _order(stock: np.float32, base: np.float32, rate: np.float32) -> np.float32:
    # A firm's order, weeks of normal use: max(0, r + (target r - stock) / restock_weeks)
    # written as base - stock * rate, with base = r (1 + target * rate).
    order = stock * -rate + base
    return order if order > _F32_ZERO else _F32_ZERO


@njit(cache=True, nogil=True, inline="always")
def _order_base(requirement: np.float32, target: np.float32, rate: np.float32) -> np.float32:
    # The order rule's constant, r (1 + target * rate): see _order.
    return requirement * (_F32_ONE + target * rate)


@njit(cache=True, nogil=True, error_model="numpy")
def firm_demand(stock: np.ndarray, requirement: np.ndarray, target: np.ndarray,
                rate: np.ndarray) -> np.ndarray:
    """Mean order of a sector's firms per replication, weeks of normal use.

    Parameters
    ----------
    stock : ndarray, shape (firms, R), float32
        Each firm's stock, weeks of normal use.
    requirement, target, rate : ndarray, shape (R,), float32
        Imported input per unit of output; target cover (weeks); 1 / restock weeks.

    Returns
    -------
    ndarray, shape (R,), float64
    """
    firms, r = stock.shape
    demand = np.zeros(r)
    base = np.empty(r, dtype=np.float32)
    for j in range(r):
        base[j] = _order_base(requirement[j], target[j], rate[j])
    for f in range(firms):
        for j in range(r):
            demand[j] += _order(stock[f, j], base[j], rate[j])
    for j in range(r):
        demand[j] /= firms
    return demand


@njit(cache=True, nogil=True, error_model="numpy")
def firm_produce(stock: np.ndarray, requirement: np.ndarray, next_requirement: np.ndarray,
                 target: np.ndarray, rate: np.ndarray, share: np.ndarray,
                 halt_threshold: np.ndarray, output: np.ndarray, halted: np.ndarray,
                 demand: np.ndarray) -> None:
    """Deliver each firm's order times ``share``, use what a week of output needs, order again.

    A firm's order is the one :func:`firm_demand` placed from the same stock.
    Updates ``stock`` in place and writes each replication's mean output
    (1.0 = normal; 1.0 where nothing is required) into ``output``, the
    share of firms producing below ``halt_threshold`` of normal into
    ``halted``, and next week's mean order, placed from the stock left and
    ``next_requirement``, into ``demand`` (what :func:`firm_demand` gives
    then, in the same pass).

    Parameters
    ----------
    stock : ndarray, shape (firms, R), float32
    requirement, next_requirement : ndarray, shape (R,), float32
        Imported input per unit of output, this week and next.
    target, rate, halt_threshold : ndarray, shape (R,), float32
    share : ndarray, shape (R,), float32
        Share of orders delivered this week.
    output, halted, demand : ndarray, shape (R,), float64
        Written.
    """
    firms, r = stock.shape
    base = np.empty(r, dtype=np.float32)
    next_base = np.empty(r, dtype=np.float32)
    floor = np.empty(r, dtype=np.float32)
    used = np.zeros(r)
    idle = np.zeros(r, dtype=np.int64)
    for j in range(r):
        base[j] = _order_base(requirement[j], target[j], rate[j])
        next_base[j] = _order_base(next_requirement[j], target[j], rate[j])
        floor[j] = halt_threshold[j] * requirement[j]
        demand[j] = 0.0
    for f in range(firms):
        for j in range(r):
            held = stock[f, j] + _order(stock[f, j], base[j], rate[j]) * share[j]
            use = held if held < requirement[j] else requirement[j]
            left = held - use
            stock[f, j] = left
            used[j] += use
            if use < floor[j]:
                idle[j] += 1
            demand[j] += _order(left, next_base[j], rate[j])
    for j in range(r):
        mean = used[j] / firms
        output[j] = mean / requirement[j] if requirement[j] > 0 else 1.0
        halted[j] = idle[j] / firms
        demand[j] /= firms


@njit(cache=True, nogil=True, inline="always")
def _pace(distance: float, lag: float) -> float:
    # A ramp's move per week: its distance over lag_weeks weeks; a lag of 0 (or one so
    # tiny that the division overflows) means a single week.
    return distance / lag if lag > 0 else np.inf


@njit(cache=True, nogil=True, inline="always")
def _max(a: float, b: float) -> float:
    # Python's max(a, b): a, unless b is greater.  Written as a select, which the compiler
    # vectorises; numba's builtin max compiles to a call, which keeps a loop scalar.
    return b if b > a else a


@njit(cache=True, nogil=True, inline="always")
def _min(a: float, b: float) -> float:
    # Python's min(a, b): a, unless b is smaller (see _max).
    return b if b < a else a


@njit(cache=True, nogil=True, error_model="numpy")
def ramp_pace(start: np.ndarray, goal: np.ndarray, lag_weeks: np.ndarray) -> np.ndarray:
    """A ramp's move per week from ``start`` to ``goal``: the distance over ``lag_weeks``.

    Parameters
    ----------
    start, goal, lag_weeks : ndarray, shape (n, k), float64

    Returns
    -------
    ndarray, shape (n, k)
        Infinite where ``lag_weeks`` is 0 (the change takes a single week).
    """
    n, k = start.shape
    out = np.empty((n, k))
    for i in range(n):
        for j in range(k):
            out[i, j] = _pace(_max(start[i, j] - goal[i, j], 0.0), lag_weeks[i, j])
    return out


@njit(cache=True, nogil=True, error_model="numpy")
def ease_step(levels: np.ndarray, goal: np.ndarray, reference: np.ndarray, impact: np.ndarray,
              ease_per_week: np.ndarray, rule: np.ndarray, progress: np.ndarray,
              lag_weeks: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """One week of easing for every replication (see :meth:`tradesim.agents.Government.ease_step`).

    A ``ramp`` instrument (``rule`` false) moves toward ``goal`` by at most
    ``ease_per_week``; a ``rule`` instrument stays where it is until its
    change has been worked on for ``lag_weeks`` weeks (``progress``, the
    weeks already done, plus this one) and then moves to ``goal`` at once.
    The whole move is scaled back so that the impact eased since
    ``reference`` does not exceed ``cap``.

    Parameters
    ----------
    levels, goal, reference, impact, ease_per_week, progress, lag_weeks : ndarray, shape (n, R)
        float64; ``progress`` in weeks of easing since the change began.
    rule : ndarray, shape (n,), bool
        Instruments with ``rule`` dynamics.
    cap : ndarray, shape (R,), float64

    Returns
    -------
    ndarray, shape (n, R)
    """
    n, r = levels.shape
    out = np.empty((n, r))
    now = np.empty(r)
    after = np.empty(r)
    # Row by row, replications innermost (the arrays are C order); each replication's
    # sums still add the rows in order, as numpy's sums over axis 0 do.
    # Selects, not branches, inside the loops over replications: whether a level moves
    # differs from one replication to the next.
    for i in range(n):
        is_rule = rule[i]
        for j in range(r):
            level = levels[i, j]
            g = goal[i, j]
            if is_rule:
                due = progress[i, j] + 1.0 >= lag_weeks[i, j]
                step = g if (level > g) & due else level
            else:
                # The last of lag_weeks equal moves lands on the goal, not a rounding
                # error short of it.
                moved = level - ease_per_week[i, j]
                moved = g if moved <= g + 1e-12 else moved
                step = moved if level > g else level
            out[i, j] = step
            eased_now = impact[i, j] * (reference[i, j] - level)
            eased_after = impact[i, j] * (reference[i, j] - step)
            if i == 0:
                now[j] = eased_now
                after[j] = eased_after
            else:
                now[j] += eased_now
                after[j] += eased_after
    share = np.ones(r)
    for j in range(r):
        gain = after[j] - now[j]
        if gain > 0.0:
            # A gain too small to divide by (a subnormal impact) gives inf: share 1.
            share[j] = _min(_max((cap[j] - now[j]) / gain, 0.0), 1.0)
    for i in range(n):
        for j in range(r):
            out[i, j] = levels[i, j] - share[j] * (levels[i, j] - out[i, j])
    return out


@njit(cache=True, nogil=True)
def ease_active(levels: np.ndarray, goal: np.ndarray, reference: np.ndarray, impact: np.ndarray,
                ease_per_week: np.ndarray, rule: np.ndarray, progress: np.ndarray,
                lag_weeks: np.ndarray, cap: np.ndarray, active: np.ndarray,
                clock: bool) -> np.ndarray:
    """:func:`ease_step` where ``active``, the levels unchanged elsewhere; the clock runs.

    With ``clock``, ``progress`` (written in place) gains a week in every
    active replication and instrument with easing left (level above goal),
    as a rule's delay counts the weeks it has been worked on.

    Parameters
    ----------
    levels, goal, reference, impact, ease_per_week, progress, lag_weeks : ndarray, shape (n, R)
    rule : ndarray, shape (n,), bool
    cap : ndarray, shape (R,), float64
    active : ndarray, shape (R,), bool
    clock : bool

    Returns
    -------
    ndarray, shape (n, R)
    """
    n, r = levels.shape
    out = ease_step(levels, goal, reference, impact, ease_per_week, rule, progress, lag_weeks,
                    cap)
    for i in range(n):
        for j in range(r):
            level = levels[i, j]
            out[i, j] = out[i, j] if active[j] else level
            if clock:
                # Adding 0.0 leaves a clock as it is (clocks are never -0.0).
                working = active[j] & (level > goal[i, j] + 1e-12)
                progress[i, j] += 1.0 if working else 0.0
    return out


@njit(cache=True, nogil=True)
def choose_moves(decided: np.ndarray, eased: np.ndarray, goal: np.ndarray,
                 progress: np.ndarray, lag_weeks: np.ndarray, rule: np.ndarray,
                 clock: bool, failed: np.ndarray, action: np.ndarray, new: np.ndarray,
                 moves: np.ndarray, pending: np.ndarray, slipped: np.ndarray) -> None:
    """What an intended move comes to (see :meth:`tradesim.agents.Government.act`).

    A replication ``moves`` when some level eases this week or (with
    ``clock``) a rule with easing left is still in its delay (``pending``).
    A failed easing (``failed``) that moves holds; one that does not move
    slips into a tightening (``slipped``, action RETALIATE).  ``new`` is
    ``eased`` where the action is EASE, else ``decided``.

    Parameters
    ----------
    decided, eased, goal, progress, lag_weeks : ndarray, shape (n, R), float64
    rule : ndarray, shape (n,), bool
    clock : bool
    failed : ndarray, shape (R,), bool
    action : ndarray, shape (R,), int8
        Updated in place.
    new : ndarray, shape (n, R), float64
        Written.
    moves, pending, slipped : ndarray, shape (R,), bool
        Written.
    """
    n, r = decided.shape
    # Row by row, replications innermost (the arrays are C order).
    moves[:] = False
    pending[:] = False
    for i in range(n):
        for j in range(r):
            if eased[i, j] < decided[i, j] - 1e-12:
                moves[j] = True
            if (clock and rule[i] and decided[i, j] > goal[i, j] + 1e-12
                    and progress[i, j] + 1.0 < lag_weeks[i, j]):
                pending[j] = True
    for j in range(r):
        m = moves[j] or pending[j]
        moves[j] = m
        slipped[j] = failed[j] and not m
        if failed[j]:
            action[j] = _HOLD if m else _RETALIATE
    for i in range(n):
        for j in range(r):
            new[i, j] = eased[i, j] if action[j] == _EASE else decided[i, j]


@njit(cache=True, nogil=True, error_model="numpy")
def settle_moves(new: np.ndarray, floor: np.ndarray, level: np.ndarray, decided: np.ndarray,
                 goal: np.ndarray, own_goal: np.ndarray, lag_weeks: np.ndarray,
                 action: np.ndarray, pending: np.ndarray, failed: np.ndarray,
                 moves: np.ndarray, active: np.ndarray, clock: bool, progress: np.ndarray,
                 ease_from: np.ndarray, ease_per_week: np.ndarray, licence_rows: np.ndarray,
                 licence_history: np.ndarray, cooperated: np.ndarray) -> None:
    """The week's moves made final (see :meth:`tradesim.agents.Government.act`).

    ``new`` is clipped to [floor, 1] in place.  With ``clock``, an easing
    replication's instruments with easing left (``decided`` above ``goal``)
    gain a week of ``progress``.  A tightened instrument starts a new change
    from its new level: ``ease_from`` is that level, its clock is zero, its
    pace is the distance to ``own_goal`` over ``lag_weeks`` (infinite for a
    lag of 0), and its pending licence applications fall under it.  An
    active replication ``cooperated`` unless it retaliated or failed an
    easing that moved; an EASE that moved nothing is recorded as HOLD.

    Parameters
    ----------
    new, floor, level, decided, goal, own_goal, lag_weeks : ndarray, shape (n, R), float64
        ``goal`` is the week's easing goal, ``own_goal`` the government's.
    action : ndarray, shape (R,), int8
        Updated in place.
    pending, failed, moves, active : ndarray, shape (R,), bool
    clock : bool
    progress, ease_from, ease_per_week : ndarray, shape (n, R), float64
        Updated in place.
    licence_rows : ndarray, shape (m,), intp
    licence_history : ndarray, shape (m, K, R), float64
        Updated in place.
    cooperated : ndarray, shape (R,), bool
        Updated in place.
    """
    n, r = new.shape
    m, k_weeks = licence_history.shape[0], licence_history.shape[1]
    for i in range(n):
        for j in range(r):
            x = new[i, j]
            if x < floor[i, j]:
                x = floor[i, j]
            if x > 1.0:
                x = 1.0
            new[i, j] = x
    # Row by row, replications innermost (the arrays are C order).
    moved = np.zeros(r, dtype=np.bool_)
    for i in range(n):
        for j in range(r):
            if new[i, j] < decided[i, j]:
                moved[j] = True
            if clock and action[j] == _EASE and decided[i, j] > goal[i, j] + 1e-12:
                progress[i, j] += 1.0
            if new[i, j] > level[i, j]:
                ease_from[i, j] = new[i, j]
                progress[i, j] = 0.0
                ease_per_week[i, j] = _pace(_max(new[i, j] - own_goal[i, j], 0.0),
                                            lag_weeks[i, j])
    for q in range(m):
        i = licence_rows[q]
        for j in range(r):
            if new[i, j] > level[i, j]:
                for k in range(k_weeks):
                    licence_history[q, k, j] = new[i, j]
    for j in range(r):
        easing = action[j] == _EASE
        if active[j]:
            cooperated[j] = action[j] != _RETALIATE and not (failed[j] and moves[j])
        if easing and not (moved[j] or (clock and pending[j])):
            action[j] = _HOLD



@njit(cache=True, nogil=True)
def eased_impact(impact: np.ndarray, reference: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Impact eased since ``reference``, USD billion a year, at least 0, per replication.

    ``max(sum_i impact[i] (reference[i] - levels[i]), 0)``, the rows added in
    order as numpy's sums over axis 0 add them.

    Parameters
    ----------
    impact, reference, levels : ndarray, shape (n, R), float64

    Returns
    -------
    ndarray, shape (R,)
    """
    n, r = levels.shape
    out = np.zeros(r)
    for i in range(n):
        for j in range(r):
            e = impact[i, j] * (reference[i, j] - levels[i, j])
            out[j] = e if i == 0 else out[j] + e
    for j in range(r):
        out[j] = _max(out[j], 0.0)
    return out

@njit(cache=True, nogil=True)
def licence_pipeline(decided: np.ndarray, rows: np.ndarray, history: np.ndarray,
                     weights: np.ndarray, week: int, level: np.ndarray) -> None:
    """Restriction of each licensing instrument this week: the share of demand not licensed.

    This week's applications are filed under the decided level (``1 -`` the
    approval probability); an application filed ``k`` weeks ago is decided
    this week with probability ``weights[q, k]``, so the level is the
    weights' average of the decided levels of past filings.

    Parameters
    ----------
    decided : ndarray, shape (n, R), float64
        Decided level of every instrument this week.
    rows : ndarray, shape (m,), intp
        Rows of the licensing instruments.
    history : ndarray, shape (m, K, R), float64
        Decided levels of the last ``K`` weeks' filings, a ring indexed by
        week modulo ``K``; this week's slot is written.
    weights : ndarray, shape (m, K, R), float64
        Share of a week's filings decided ``k`` weeks later; each sums to 1.
    week : int
        Weeks since the model started (selects the ring's slot).
    level : ndarray, shape (n, R), float64
        The licensing rows are written.
    """
    m, k_weeks, r = history.shape
    slot = week % k_weeks
    for q in range(m):
        i = rows[q]
        for j in range(r):
            history[q, slot, j] = decided[i, j]
        for j in range(r):
            total = 0.0
            for k in range(k_weeks):
                total += weights[q, k, j] * history[q, (slot - k) % k_weeks, j]
            level[i, j] = total


@njit(cache=True, nogil=True, error_model="numpy")
def start_framework(mask: np.ndarray, level: np.ndarray, target: np.ndarray,
                    committed: np.ndarray, impact: np.ndarray, breakdown_share: np.ndarray,
                    lag_weeks: np.ndarray, compliant_lag_weeks: np.ndarray,
                    licence_rows: np.ndarray, reference: np.ndarray, compliant: np.ndarray,
                    goal: np.ndarray, promised: np.ndarray, threshold: np.ndarray,
                    decided: np.ndarray, compliant_decided: np.ndarray, ease_from: np.ndarray,
                    progress: np.ndarray, compliant_progress: np.ndarray,
                    ease_per_week: np.ndarray, compliant_per_week: np.ndarray,
                    licence_history: np.ndarray, compliant_history: np.ndarray,
                    cooperated: np.ndarray) -> None:
    """Take today's levels as the reference of a framework (or truce) where ``mask``.

    Where ``mask``: the reference and compliant path become the levels; the
    goal is the committed target (if lower) or the level; ``promised`` is the
    impact the goal eases; ``threshold`` is the restriction impact that a
    retaliation must exceed to be a breakdown: the goal's, plus
    ``breakdown_share`` of the eased impact.  Every instrument's change
    starts afresh from the levels (decided levels, ramps from them at the
    pace of ``lag_weeks``, clocks at zero, actual and compliant), the licence
    pipelines from filings at them, and the last move counts as cooperation.

    Parameters
    ----------
    mask : ndarray, shape (R,), bool
    level, target, impact, lag_weeks, compliant_lag_weeks : ndarray, shape (n, R), float64
    committed : ndarray, shape (n,), bool
    breakdown_share : ndarray, shape (R,), float64
    licence_rows : ndarray of int
        The rows with licence pipelines, in the order of the histories.
    reference, compliant, goal : ndarray, shape (n, R), float64
        Updated where ``mask``.
    promised, threshold : ndarray, shape (R,), float64
        Updated where ``mask``.
    decided, compliant_decided, ease_from, progress, compliant_progress : ndarray, shape (n, R)
        Decided levels, actual and compliant, where each change began, and
        the weeks worked on it (actual and compliant); updated where ``mask``.
    ease_per_week, compliant_per_week : ndarray, shape (n, R)
        Each ramp's move per week; updated where ``mask``.
    licence_history, compliant_history : ndarray, shape (rows, weeks, R)
        Updated where ``mask``.
    cooperated : ndarray, shape (R,), bool
        True where ``mask``.
    """
    n = level.shape[0]
    # The rows outside, the starting replications inside, so that each row is written
    # in order of address.  A replication's values in an (n, R) array are R x 8 bytes
    # apart: looping over the instruments innermost would land every write on another
    # page of memory.
    chosen = np.flatnonzero(mask)
    m = chosen.size
    eased = np.zeros(m)
    goal_impact = np.zeros(m)
    reference_impact = np.zeros(m)
    for i in range(n):
        c = committed[i]
        for t in range(m):
            j = chosen[t]
            x = level[i, j]
            reference[i, j] = x
            compliant[i, j] = x
            g = _min(x, target[i, j]) if c else x
            goal[i, j] = g
            # Sums row by row, as numpy's sums over axis 0 add them.
            e, gi, ri = impact[i, j] * (x - g), impact[i, j] * g, impact[i, j] * x
            if i == 0:
                eased[t], goal_impact[t], reference_impact[t] = e, gi, ri
            else:
                eased[t] += e
                goal_impact[t] += gi
                reference_impact[t] += ri
            decided[i, j] = x
            compliant_decided[i, j] = x
            ease_from[i, j] = x
            progress[i, j] = 0.0
            compliant_progress[i, j] = 0.0
            distance = _max(x - g, 0.0)
            ease_per_week[i, j] = _pace(distance, lag_weeks[i, j])
            compliant_per_week[i, j] = _pace(distance, compliant_lag_weeks[i, j])
    for t in range(m):
        j = chosen[t]
        promised[j] = eased[t]
        threshold[j] = goal_impact[t] + breakdown_share[j] * (reference_impact[t]
                                                              - goal_impact[t])
        cooperated[j] = True
    for q in range(licence_rows.shape[0]):
        row = licence_rows[q]
        for k in range(licence_history.shape[1]):
            for t in range(m):
                j = chosen[t]
                x = level[row, j]
                licence_history[q, k, j] = x
                compliant_history[q, k, j] = x


@njit(cache=True, nogil=True, error_model="numpy")
def clear_markets(licensed: np.ndarray, demand: np.ndarray, shipping: np.ndarray,
                  leakage: np.ndarray, exporter_share: np.ndarray, inverse_elasticity: np.ndarray,
                  price_cap: np.ndarray, row_capacity: np.ndarray, row_ceiling: np.ndarray,
                  row_pace: np.ndarray, grow: bool, available: np.ndarray, fill: np.ndarray,
                  price: np.ndarray, supply: np.ndarray) -> None:
    """Clear every good's market this week (see :meth:`tradesim.markets.Markets.clear`).

    Demand, bounded by the shipping capacity, is served by the rest of the
    world up to its capacity, then by the exporter's licensed share of the
    rest, plus ``leakage`` of what it stops.  The price clears the shortage,
    ``(demand / arrivals) ** inverse_elasticity`` within ``[1, price_cap]``,
    and (if ``grow``) the rest of the world's capacity grows toward its
    ceiling at a pace ``1 - 1 / price`` of ``row_pace``.

    Parameters
    ----------
    licensed, demand : ndarray, shape (goods, R)
        Share of the exporter's supply licensed; demand, weeks of normal use.
    shipping, leakage, exporter_share, inverse_elasticity, price_cap : ndarray, (goods, R)
    row_capacity : ndarray, shape (goods, R)
        Updated when ``grow``.
    row_ceiling, row_pace : ndarray, shape (goods, R)
    grow : bool
    available, fill, price, supply : ndarray, shape (goods, R)
        Written: arrivals, share of orders delivered, price index, and the
        exporter's flow as a share of its 2024 flow.
    """
    goods, r = demand.shape
    for k in range(goods):
        for j in range(r):
            d = demand[k, j]
            wanted = _min(d, shipping[k, j])
            rest = _min(row_capacity[k, j], wanted)
            placed = wanted - rest
            shipped = licensed[k, j] * placed
            arrivals = rest + shipped + leakage[k, j] * (placed - shipped)
            available[k, j] = arrivals
            fill[k, j] = arrivals / d if d > 0.0 else 1.0
            cap = price_cap[k, j]
            ratio = d / arrivals if arrivals > 0.0 else cap
            # No shortage: the price is 1, as 1 ** x is.  (The vectorised loop computes
            # the power in every lane, then chooses.)
            p = _min(ratio ** inverse_elasticity[k, j] if ratio > 1.0 else 1.0, cap)
            price[k, j] = p
            if grow:
                row_capacity[k, j] = _min(row_ceiling[k, j],
                                          row_capacity[k, j] + row_pace[k, j] * (1.0 - 1.0 / p))
            supply[k, j] = shipped / exporter_share[k, j]


@njit(cache=True, nogil=True)
def monitor_reset(mask: np.ndarray, week: int, prior_var: np.ndarray, belief: np.ndarray,
                  variance: np.ndarray, evidence: np.ndarray, unreviewed: np.ndarray,
                  first_alarm: np.ndarray, reset_week: np.ndarray, sum_actual: np.ndarray,
                  sum_expected: np.ndarray, sum_easing: np.ndarray) -> None:
    """A framework starts where ``mask``: the monitor trusts it afresh (see :func:`monitor_update`).

    The belief returns to 1 with the prior variance, the evidence to 0, no
    alarm yet; the reports in the making restart empty and those in flight
    (closed in an update before ``week``'s) count no easing.

    Parameters
    ----------
    mask : ndarray, shape (R,), bool
    week : int
        The first week whose update's reports count: those closed in the
        update of an earlier week count no easing.
    prior_var : ndarray, shape (R,), float64
    belief, variance, evidence, unreviewed : ndarray, shape (R,), float64
        Updated where ``mask``.
    first_alarm, reset_week : ndarray, shape (R,), int
        Updated where ``mask``: -1 (no alarm yet) and ``week``.
    sum_actual, sum_expected, sum_easing : ndarray, shape (n, R), float64
        Updated where ``mask``.
    """
    n = sum_actual.shape[0]
    # The rows outside, the starting replications inside, as in start_framework.
    chosen = np.flatnonzero(mask)
    for j in chosen:
        belief[j] = 1.0
        variance[j] = prior_var[j]
        evidence[j] = 0.0
        unreviewed[j] = 0.0
        first_alarm[j] = -1
        reset_week[j] = week
    for i in range(n):
        for j in chosen:
            sum_actual[i, j] = 0.0
            sum_expected[i, j] = 0.0
            sum_easing[i, j] = 0.0


#: Reports with a smaller standard deviation count as exact (perfect monitoring).
_EXACT_SD = 1e-9


@njit(cache=True, nogil=True, error_model="numpy")
def monitor_update(level: np.ndarray, compliant: np.ndarray, reference: np.ndarray,
                   noise_sd: np.ndarray, normals: np.ndarray, sum_actual: np.ndarray,
                   sum_expected: np.ndarray, sum_easing: np.ndarray, count: np.ndarray,
                   closing: np.ndarray, last: int, y_buf: np.ndarray, expected_buf: np.ndarray,
                   easing_buf: np.ndarray, group_weeks: np.ndarray, group_starts: np.ndarray,
                   group_rows: np.ndarray, reset_week: np.ndarray,
                   withheld_share: np.ndarray, drift_var: np.ndarray, review: bool,
                   active: np.ndarray, threshold: np.ndarray,
                   announced: np.ndarray, weeks_since_start: np.ndarray, belief: np.ndarray,
                   variance: np.ndarray, unreviewed: np.ndarray, evidence: np.ndarray,
                   alarm: np.ndarray, first_alarm: np.ndarray) -> None:
    """A monitor's week (see :meth:`tradesim.monitoring.Monitor.update`), in one call.

    1. Adds the week to each report in the making: ``1 - level``, its
       compliant expectation ``1 - compliant`` and the easing expected since
       the reference, ``reference - compliant``.
    2. Closes the reports of rows ``closing``: their averages, the reported
       one with its error ``noise_sd x normals``, go into slot ``last % slots`` of
       the buffers of reports in flight.
    3. Lets the belief drift (``variance += drift_var``), then takes in the
       reports released this week, group by group (group ``g``: the reports
       of rows ``group_rows[group_starts[g]:group_starts[g + 1]]`` that
       closed after week ``group_weeks[g]``, in slot ``group_weeks[g] %
       slots``; a report that closed before the framework last started in
       its replication, in week ``reset_week``, counts no easing): each
       group's log-likelihood ratio of "withheld a share ``withheld_share``
       of the easing" against "compliant", and a Kalman update of the
       delivered share in information form (the same as one update per
       report).
    4. Adds the LLR to what the CUSUM has not yet reviewed; on a ``review``
       week adds that to the evidence (at least 0).  Outside the framework
       (``~active``) both are 0.  An alarm is evidence above ``threshold``
       or a measure the partner ``announced``; it restarts the evidence and
       sets ``first_alarm`` (weeks since the framework started) once.

    Parameters
    ----------
    level, compliant, reference : ndarray, shape (n, R), float64
        The partner's levels, its compliant path and its reference levels.
    noise_sd : ndarray, shape (n, R), float64
        Each channel's report error sd.
    normals : ndarray, shape (n, R)
        This week's standard normals for the partner's instruments.
    sum_actual, sum_expected, sum_easing : ndarray, shape (n, R), float64
        Sums of the reports in the making; updated.
    count : ndarray, shape (n,), float64
        Weeks in each report in the making; updated.
    closing : ndarray of int64
        Rows whose report closes this week.
    last : int
        The week the reports of ``closing`` close after (their buffer slot is
        ``last % slots``).
    y_buf, expected_buf, easing_buf : ndarray, shape (slots, n, R), float64
        Reports in flight: reported share, compliant expectation, easing.
    group_weeks, group_starts, group_rows : ndarray of int64
        The groups of reports released this week, in the order they closed.
    reset_week : ndarray, shape (R,), int
        Week the framework (or truce) last started in each replication.
    withheld_share, drift_var, threshold : ndarray, shape (R,), float64
    review : bool
        Whether the CUSUM is reviewed this week.
    active, announced : ndarray, shape (R,), bool
    weeks_since_start : ndarray, shape (R,), int
    belief, variance, unreviewed, evidence : ndarray, shape (R,), float64
        Updated in place.
    alarm : ndarray, shape (R,), bool
        Written.
    first_alarm : ndarray, shape (R,), int16
        Updated in place.
    """
    n, r = level.shape
    slots = y_buf.shape[0]
    slot = last % slots
    # Row by row, replications innermost (the arrays are C order); the sums over reports
    # add them in order, as numpy's sums over axis 0 do.
    for i in range(n):
        for j in range(r):
            sum_actual[i, j] += 1.0 - level[i, j]
            sum_expected[i, j] += 1.0 - compliant[i, j]
            sum_easing[i, j] += reference[i, j] - compliant[i, j]
        count[i] += 1.0
    for q in range(closing.shape[0]):
        i = closing[q]
        c = count[i]
        for j in range(r):
            y_buf[slot, i, j] = sum_actual[i, j] / c + noise_sd[i, j] * normals[i, j]
            expected_buf[slot, i, j] = sum_expected[i, j] / c
            easing_buf[slot, i, j] = sum_easing[i, j] / c
            sum_actual[i, j] = 0.0
            sum_expected[i, j] = 0.0
            sum_easing[i, j] = 0.0
        count[i] = 0.0
    for j in range(r):
        variance[j] += drift_var[j]
    llr = np.zeros(r)
    total_llr = np.empty(r)
    information = np.empty(r)
    weighted = np.empty(r)
    for g in range(group_weeks.shape[0]):
        s = group_weeks[g] % slots
        # Closed in the update of week group_weeks[g] + 1: before a later start, the
        # report compared the partner with the old framework, and is void.
        closed = group_weeks[g] + 1
        for q in range(group_starts[g], group_starts[g + 1]):
            i = group_rows[q]
            first = q == group_starts[g]
            for j in range(r):
                sd = _max(noise_sd[i, j], _EXACT_SD)
                precision = 1.0 / (sd * sd)
                y, expected, easing = y_buf[s, i, j], expected_buf[s, i, j], easing_buf[s, i, j]
                # Loaded whatever the week, then chosen: a load under a condition would
                # keep the loop from being vectorised.
                easing = easing if closed >= reset_week[j] else 0.0
                shortfall = expected - y
                d = withheld_share[j] * easing
                term = (d * shortfall - 0.5 * d * d) * precision
                z = y - expected + easing
                e2 = easing * easing * precision
                ez = easing * z * precision
                if first:
                    total_llr[j], information[j], weighted[j] = term, e2, ez
                else:
                    total_llr[j] += term
                    information[j] += e2
                    weighted[j] += ez
        for j in range(r):
            prior = 1.0 / _max(variance[j], 1e-300)
            llr[j] += total_llr[j]
            info = prior + information[j]
            belief[j] = (belief[j] * prior + weighted[j]) / info
            variance[j] = 1.0 / info
    for j in range(r):
        if active[j]:
            unreviewed[j] += llr[j]
            if review:
                e = evidence[j] + unreviewed[j]
                evidence[j] = e if (e >= 0.0 or e != e) else 0.0  # as np.maximum(e, 0.0)
                unreviewed[j] = 0.0
            fired = evidence[j] > threshold[j] or announced[j]
        else:
            unreviewed[j] = 0.0
            evidence[j] = 0.0
            fired = False
        alarm[j] = fired
        if fired:
            evidence[j] = 0.0
            if first_alarm[j] < 0:
                first_alarm[j] = weeks_since_start[j]


@njit(cache=True, nogil=True)
def histogram_sums(series: np.ndarray, bin_scale: np.ndarray, top_bin: np.ndarray,
                   sum_scale: np.ndarray, histogram: np.ndarray, sums: np.ndarray,
                   first_week: int = 0) -> None:
    """Exact integer aggregates of weekly series: histogram counts and fixed-point sums.

    Value ``v`` of series ``k`` falls in bin ``rint(v * bin_scale[k])``
    (at most ``top_bin[k]``, where infinite values fall too) and adds
    ``rint(v * sum_scale[k])`` to the week's sum; both products are float32,
    as the scales are powers of two or bin widths.  A negative or NaN value
    raises ``ValueError``, and none of its series' values of that week are
    counted (series before it in ``series`` are).

    Parameters
    ----------
    series : ndarray, shape (S, weeks, R), float32
        Non-negative values.
    bin_scale, sum_scale : ndarray, shape (S,), float32
    top_bin : ndarray, shape (S,), int64
    histogram : ndarray, shape (S, all weeks, bins), int32 or int64
        Counts are added: week ``w`` of ``series`` to week ``first_week + w``.
    sums : ndarray, shape (S, all weeks), int64
        Sums are added likewise.
    first_week : int
        Week of ``histogram`` and ``sums`` that ``series[:, 0]`` counts into.
    """
    s, weeks, r = series.shape
    bins = np.empty(r, dtype=np.int32)
    spare = np.zeros(histogram.shape[2], dtype=histogram.dtype)
    for k in range(s):
        scale, fixed = bin_scale[k], sum_scale[k]
        top = np.float32(top_bin[k])
        for w in range(weeks):
            # First every value's bin and the fixed-point sum, in one loop without
            # branches; nothing is counted from a week with a negative or NaN value.
            total = 0
            bad = 0
            for j in range(r):
                v = series[k, w, j]
                bad += not v >= _F32_ZERO
                # Selects, not min and max: a NaN (refused below) is cast to no integer.
                x = _rint(v * scale)
                bins[j] = np.int32(x if x < top else top)
                y = _rint(v * fixed)
                total += np.int64(y if y >= _F32_ZERO else _F32_ZERO)
            if bad:
                raise ValueError("a weekly series has a negative or NaN value")
            changes = 0
            for j in range(1, r):
                changes += bins[j] != bins[j - 1]
            row = histogram[k, first_week + w]
            if 4 * changes < r:
                # Mostly runs of one value (a level at its floor, a full stock): each run
                # is added to its bin at once.
                b, n = bins[0], 1
                for j in range(1, r):
                    if bins[j] == b:
                        n += 1
                    else:
                        row[b] += n
                        b, n = bins[j], 1
                row[b] += n
            else:
                # Scattered values: even and odd replications count into two rows, so
                # repeated bins do not wait on each other's read-modify-write.
                for j in range(0, r - 1, 2):
                    row[bins[j]] += 1
                    spare[bins[j + 1]] += 1
                if r % 2:
                    row[bins[r - 1]] += 1
                for i in range(row.shape[0]):
                    row[i] += spare[i]
                    spare[i] = 0
            sums[k, first_week + w] += total


# -- counter-based random numbers -------------------------------------------------------
#
# Philox4x32-10 (Salmon, Moraes, Dror and Shaw 2011, "Parallel random numbers: as easy as
# 1, 2, 3", SC11): a keyed bijection of a 128-bit counter, so the numbers at any position
# of any replication's stream are computed directly, with no generator to set up.  All
# integer work is done in uint64 masked to 32 bits, with uint64 constants, so numba and
# Python agree on every type.

_MASK32 = np.uint64(0xFFFFFFFF)
_PHILOX_M0 = np.uint64(0xD2511F53)
_PHILOX_M1 = np.uint64(0xCD9E8D57)
_PHILOX_W0 = np.uint64(0x9E3779B9)
_PHILOX_W1 = np.uint64(0xBB67AE85)
_SHIFT32 = np.uint64(32)
_SHIFT8 = np.uint64(8)
_SHIFT5 = np.uint64(5)
_SHIFT6 = np.uint64(6)
_TWO_M24 = np.float32(2.0**-24)
_TWO_26 = 67108864.0
_TWO_M53 = 2.0**-53
_TWO_M32 = 2.0**-32


@njit(cache=True, nogil=True)
def philox4x32(c0: np.uint64, c1: np.uint64, c2: np.uint64, c3: np.uint64,
               k0: np.uint64, k1: np.uint64) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64]:
    """Philox4x32-10 of the counter ``(c0, c1, c2, c3)`` under the key ``(k0, k1)``.

    Every argument and result is a 32-bit word held in a uint64.  (One lane of
    :func:`_philox_lanes`, which the streams use.)
    """
    words = np.empty((4, 1), dtype=np.uint64)
    lo = np.full(1, c2, dtype=np.uint64)
    hi = np.full(1, c3, dtype=np.uint64)
    _philox_lanes(c0, c1, lo, hi, k0, k1, words)
    return words[0, 0], words[1, 0], words[2, 0], words[3, 0]


@njit(cache=True, nogil=True)
def _float64(a: np.uint64, b: np.uint64) -> float:
    # 53 random bits from two words, in [0, 1) (numpy's construction).
    return (np.float64(a >> _SHIFT5) * _TWO_26 + np.float64(b >> _SHIFT6)) * _TWO_M53


# Acklam's rational approximation of the normal quantile (relative error below 1.2e-9,
# far finer than a float32 normal's 6e-8): arithmetic only in the centre, one log and one
# square root in the tails (4.85% of draws).
_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
      3.754408661907416e+00)
_P_LOW = 0.02425


@njit(cache=True, nogil=True)
def _tail(p: float) -> float:
    q = np.sqrt(-2.0 * np.log(p))
    return ((((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5])
            / ((((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1.0))


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _central(p: float) -> float:
    q = p - 0.5
    r = q * q
    return ((((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]) * q
            / (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0))


@njit(cache=True, nogil=True)
def normal_quantile(p: float) -> float:
    """The standard normal quantile of ``p`` in (0, 1), to a relative error below 1.2e-9."""
    if p < _P_LOW:
        return _tail(p)
    if p > 1.0 - _P_LOW:
        return -_tail(1.0 - p)
    return _central(p)


@njit(cache=True, nogil=True, inline="always")
def _word_p(word: np.uint64) -> float:
    # A 32-bit word as (word + 1/2) / 2**32, which lies in (0, 1): the normals drawn by
    # inversion are cut off at about 6.2 standard deviations.
    return (np.float64(word) + 0.5) * _TWO_M32


@njit(cache=True, nogil=True, error_model="numpy")
def _normals(words: np.ndarray, out: np.ndarray) -> None:
    # Each 32-bit word to a float32 standard normal, normal_quantile(_word_p(word)): the
    # centre's formula for all (a loop the compiler vectorises), then the tails (4.85% of
    # draws) replaced.
    for j in range(words.size):
        out[j] = np.float32(_central(_word_p(words[j])))
    for j in range(words.size):
        p = _word_p(words[j])
        if p < _P_LOW or p > 1.0 - _P_LOW:
            out[j] = np.float32(normal_quantile(p))


@njit(cache=True, nogil=True, error_model="numpy")
def _philox_lanes(c0: np.uint64, c1: np.uint64, lo: np.ndarray, hi: np.ndarray,
                  k0: np.uint64, k1: np.uint64, words: np.ndarray) -> None:
    # philox4x32 of the counters (c0, c1, lo[j], hi[j]) for every j at once, round by
    # round (a loop the compiler vectorises): words[lane, j] is word ``lane`` of block j.
    w0, w1, w2, w3 = words[0], words[1], words[2], words[3]
    for j in range(lo.size):
        w0[j], w1[j], w2[j], w3[j] = c0, c1, lo[j], hi[j]
    for _ in range(10):
        for j in range(lo.size):
            a0, a1, a2, a3 = w0[j], w1[j], w2[j], w3[j]
            p0 = _PHILOX_M0 * a0
            p1 = _PHILOX_M1 * a2
            w0[j] = (p1 >> _SHIFT32) ^ a1 ^ k0
            w1[j] = p1 & _MASK32
            w2[j] = (p0 >> _SHIFT32) ^ a3 ^ k1
            w3[j] = p0 & _MASK32
        k0 = (k0 + _PHILOX_W0) & _MASK32
        k1 = (k1 + _PHILOX_W1) & _MASK32


@njit(cache=True, nogil=True)
def draw_setup(key: np.ndarray, first: int, setup: np.ndarray) -> None:
    """Fill a block of replications' setup uniforms (stream 0) from their streams.

    Replication ``i = first + j`` draws position ``p`` from the Philox block
    with counter ``(p // 2, 0, i mod 2**32, i // 2**32)`` under ``key``; one
    block gives two float64 uniforms in [0, 1) (53 bits each).

    Parameters
    ----------
    key : ndarray, shape (2,), uint64
        The run's key (32-bit words), from its master seed.
    first : int
        Index of the block's first replication.
    setup : ndarray, shape (R, n_setup), float64
        Written.
    """
    k0, k1 = key[0], key[1]
    r, n_setup = setup.shape
    lo = np.empty(r, dtype=np.uint64)
    hi = np.empty(r, dtype=np.uint64)
    for j in range(r):
        index = np.uint64(first + j)
        lo[j], hi[j] = index & _MASK32, index >> _SHIFT32
    words = np.empty((4, r), dtype=np.uint64)
    for block in range((n_setup + 1) // 2):
        _philox_lanes(np.uint64(block), np.uint64(0), lo, hi, k0, k1, words)
        p = 2 * block
        for j in range(r):
            setup[j, p] = _float64(words[0, j], words[1, j])
            if p + 1 < n_setup:
                setup[j, p + 1] = _float64(words[2, j], words[3, j])


@njit(cache=True, nogil=True)
def draw_weeks(key: np.ndarray, first: int, stream: int, first_week: int,
               out: np.ndarray) -> None:
    """Fill some weeks of a block of replications' weekly stream (1: uniforms, 2: normals).

    Position ``p`` of a weekly stream with ``n`` numbers a week is slot
    ``p % n`` of week ``p // n``; replication ``i = first + j`` draws it from
    word ``p % 4`` of the Philox block with counter ``(p // 4, stream, i mod
    2**32, i // 2**32)`` under ``key``: a float32 uniform in [0, 1) on a grid of
    2**-24 (stream 1) or a float32 standard normal by inversion (stream 2,
    :func:`normal_quantile`).  Any window of weeks gives the numbers the
    whole stream has there.

    Parameters
    ----------
    key : ndarray, shape (2,), uint64
    first : int
        Index of the block's first replication.
    stream : int
        1 or 2.
    first_week : int
        Week (0-based) of ``out[0]``.
    out : ndarray, shape (weeks, n, R), float32
        Written.
    """
    k0, k1 = key[0], key[1]
    weeks, n, r = out.shape
    start = first_week * n
    stop = start + weeks * n
    lo = np.empty(r, dtype=np.uint64)
    hi = np.empty(r, dtype=np.uint64)
    for j in range(r):
        index = np.uint64(first + j)
        lo[j], hi[j] = index & _MASK32, index >> _SHIFT32
    words = np.empty((4, r), dtype=np.uint64)
    normal = stream == 2
    c1 = np.uint64(stream)
    # Block by block, all replications at once: the block's four words for every
    # replication, then each lane's row of the output.
    for block in range(start // 4, (stop + 3) // 4):
        _philox_lanes(np.uint64(block), c1, lo, hi, k0, k1, words)
        for lane in range(4):
            p = 4 * block + lane
            if not start <= p < stop:
                continue
            row = out[p // n - first_week, p % n]
            if normal:
                _normals(words[lane], row)
            else:
                for j in range(r):
                    row[j] = np.float32(words[lane, j] >> _SHIFT8) * _TWO_M24


def draw_streams(key: np.ndarray, first: int, setup: np.ndarray, uniforms: np.ndarray,
                 normals: np.ndarray) -> None:
    """Fill a block of replications' random numbers, every week at once.

    :func:`draw_setup` into ``setup``, then :func:`draw_weeks` of streams 1
    and 2 from week 0 into ``uniforms`` and ``normals``.

    Parameters
    ----------
    key : ndarray, shape (2,), uint64
        The run's key (32-bit words), from its master seed.
    first : int
        Index of the block's first replication.
    setup : ndarray, shape (R, n_setup), float64
    uniforms, normals : ndarray, shape (weeks, per_week, R), float32
        Written.
    """
    draw_setup(key, first, setup)
    draw_weeks(key, first, 1, 0, uniforms)
    draw_weeks(key, first, 2, 0, normals)

"""The players of the two-player game: resolving strategies and their effective vectors.

A strategy may be given as an instance, a registered name or a class
(:data:`StrategyLike`).  The game needs scalar parameters, and the exact
results need a memory-one rule; :func:`effective_vector` turns a rule's
intended cooperation probabilities into those of the action *taken* under
implementation and monitoring error.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tradesim.strategies import GrimTrigger, Strategy, make_strategy

__all__ = [
    "StrategyLike",
    "check_probability",
    "effective_vector",
    "memory_one_rule",
    "resolve_strategy",
]

#: A strategy instance, a registered name, or a Strategy subclass (built with defaults).
StrategyLike = Strategy | str | type[Strategy]

# Index permutation flipping the partner's move (monitoring error): CC<->CD, DC<->DD.
_FLIP_PARTNER = np.array([1, 0, 3, 2])


def resolve_strategy(strategy: StrategyLike) -> Strategy:
    """Return the strategy instance for a name, class or instance.

    Parameters
    ----------
    strategy : Strategy, str or Strategy subclass
        An instance (returned as is), a name registered in
        :data:`tradesim.strategies.STRATEGIES` or a class (both built with
        default parameters).

    Returns
    -------
    Strategy

    Raises
    ------
    TypeError
        If ``strategy`` is none of these.
    KeyError
        If the name is not registered (with a "did you mean" suggestion).
    ValueError
        If a parameter is array-valued: the full model may draw parameters
        per replication, but the two-player game and its exact results need
        one value per parameter.
    """
    if isinstance(strategy, Strategy):
        s = strategy
    elif isinstance(strategy, str):
        s = make_strategy(strategy)
    elif isinstance(strategy, type) and issubclass(strategy, Strategy):
        s = strategy()
    else:
        raise TypeError(f"expected a Strategy, a registered name or a Strategy class, "
                        f"got {strategy!r}")
    if any(np.ndim(v) > 0 for v in s.params().values()):
        raise ValueError(f"{s.name or type(s).__name__!r} has array-valued parameters; "
                         f"the two-player game needs scalar parameters")
    return s


def memory_one_rule(strategy: StrategyLike) -> tuple[Strategy, np.ndarray]:
    """Return the strategy and its memory-one vector, refusing other rules.

    Parameters
    ----------
    strategy : Strategy, str or Strategy subclass
        See :func:`resolve_strategy`.

    Returns
    -------
    strategy : Strategy
    vector : ndarray, shape (4,)
        :meth:`Strategy.memory_one_vector` as floats.

    Raises
    ------
    ValueError
        If the rule has no memory-one vector (e.g. ``grim_trigger``: the
        message points to ``grim_memory_one``).
    """
    s = resolve_strategy(strategy)
    vector = s.memory_one_vector()
    if vector is None:
        hint = ""
        if isinstance(s, GrimTrigger):
            hint = ("; grim trigger remembers a defection for ever. Use its memory-one "
                    "form 'grim_memory_one' (1, 0, 0, 0) for exact results")
        raise ValueError(f"{s.name or type(s).__name__!r} is not a memory-one strategy, "
                         f"so the exact Markov-chain results do not apply{hint}")
    return s, np.asarray(vector, dtype=float)


def check_probability(name: str, value: float) -> float:
    """Return ``value`` as a float, refusing anything outside [0, 1].

    Raises
    ------
    ValueError
        Naming the parameter ``name``.
    """
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return value


def effective_vector(
    vector: Sequence[float] | np.ndarray, noise: float = 0.0, monitoring_noise: float = 0.0
) -> np.ndarray:
    """Probabilities of the *action taken* after each state, given the errors.

    Parameters
    ----------
    vector : sequence of 4 floats
        Intended cooperation probabilities ``(p_CC, p_CD, p_DC, p_DD)``, own
        move first, after the *perceived* state.
    noise : float
        Implementation error ``e``: each intended action is flipped with
        probability ``e``, so ``p' = (1 - e) p + e (1 - p)``.
    monitoring_noise : float
        Monitoring error ``m``: the partner's last move is perceived flipped
        with probability ``m`` (one's own move is known), so before the
        implementation error ``p_m(x, y) = (1 - m) p(x, y) + m p(x, not y)``.

    Returns
    -------
    ndarray, shape (4,)
        Probability of cooperating after each *actual* state, own move first.
    """
    p = np.asarray(vector, dtype=float)
    e = check_probability("noise", noise)
    m = check_probability("monitoring_noise", monitoring_noise)
    p = (1.0 - m) * p + m * p[_FLIP_PARTNER]
    return (1.0 - e) * p + e * (1.0 - p)
